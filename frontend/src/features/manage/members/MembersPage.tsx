import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { isApiError } from "../../../api/client";
import { getProject } from "../../../api/manage";
import { ROLES, listAllMembers, removeMember, setMember, type Member } from "../../../api/members";
import type { ProjectRole } from "../../../api/projects";
import { ErrorMessage } from "../../../components/ErrorMessage";
import { describeError } from "../../../components/describeError";
import { useSession } from "../../auth/SessionContext";
import { useManagedProject } from "../shared/context";
import { FieldMessage, invalidProps } from "../shared/FieldMessage";
import { formatDate } from "../shared/format";
import { useLoad } from "../shared/useLoad";
import { inputId } from "../schema/fieldErrors";

const ROLE_LABELS: Record<ProjectRole, string> = { annotator: "Annotator", reviewer: "Reviewer", manager: "Manager" };
const ROLE_HINTS: Record<ProjectRole, string> = {
  annotator: "labels items",
  reviewer: "also reviews annotations and sees the dashboard",
  manager: "also edits settings, members and imports",
};

/** A readable sentence for member errors; the last-manager rule gets a way out. */
export function memberErrorText(error: unknown): string {
  if (isApiError(error) && error.code === "last_manager") {
    return "A project keeps at least one manager. Make someone else a manager first.";
  }
  return describeError(error);
}

/** `/projects/:id/members`: list; managers add by username, change roles, remove. */
export function MembersPage() {
  const { project, setProject, canManage } = useManagedProject();
  const { user } = useSession();
  const navigate = useNavigate();
  const members = useLoad((signal) => listAllMembers(project.id, signal), [project.id]);
  const [rowError, setRowError] = useState<{ userId: number; text: string; action: "role" | "remove" } | null>(null);
  const [busyUser, setBusyUser] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [notice, setNotice] = useState("");

  async function afterOwnChange() {
    setProject(await getProject(project.id));
  }

  async function changeRole(member: Member, role: ProjectRole) {
    setRowError(null);
    setBusyUser(member.user_id);
    try {
      const updated = await setMember(project.id, member.username, role);
      members.setData((members.data ?? []).map((m) => (m.user_id === member.user_id ? { ...m, role: updated.role } : m)));
      setNotice(`${member.username} is now ${ROLE_LABELS[updated.role].toLowerCase()}.`);
      if (member.user_id === user?.id) await afterOwnChange();
    } catch (error) {
      setRowError({ userId: member.user_id, text: memberErrorText(error), action: "role" });
    } finally {
      setBusyUser(null);
    }
  }

  async function remove(member: Member) {
    setRowError(null);
    setBusyUser(member.user_id);
    try {
      await removeMember(project.id, member.user_id);
      setConfirming(null);
      if (member.user_id === user?.id && !user.is_staff) {
        navigate("/projects");
        return;
      }
      members.setData((members.data ?? []).filter((m) => m.user_id !== member.user_id));
      setNotice(`${member.username} was removed from the project.`);
    } catch (error) {
      setConfirming(null);
      setRowError({ userId: member.user_id, text: memberErrorText(error), action: "remove" });
    } finally {
      setBusyUser(null);
    }
  }

  return (
    <div className="mg-stack">
      {canManage ? (
        <AddMemberForm
          projectId={project.id}
          onAdded={(member) => {
            const rest = (members.data ?? []).filter((m) => m.user_id !== member.user_id);
            members.setData([...rest, member].sort((a, b) => a.username.localeCompare(b.username)));
            setNotice(`${member.username} was added as ${ROLE_LABELS[member.role].toLowerCase()}.`);
          }}
        />
      ) : null}

      <p className="visually-hidden" role="status" aria-live="polite">
        {notice}
      </p>

      {members.error ? <ErrorMessage title="Couldn't load the members" error={members.error} onRetry={members.reload} /> : null}

      <div className={`table-card${members.loading && members.data ? " is-loading" : ""}`}>
        <table className="table mg-table">
          <caption className="visually-hidden">Members of {project.name}</caption>
          <colgroup>
            <col />
            <col className="mg-col-role" />
            <col className="mg-col-date" />
            {canManage ? <col className="mg-col-actions" /> : null}
          </colgroup>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Member since</th>
              {canManage ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {members.data === null && !members.error ? (
              <tr>
                <td colSpan={canManage ? 4 : 3}>
                  <span className="skeleton skeleton--text" />
                </td>
              </tr>
            ) : null}
            {(members.data ?? []).map((member) => (
              <MemberRow
                key={member.user_id}
                member={member}
                isSelf={member.user_id === user?.id}
                canManage={canManage}
                busy={busyUser === member.user_id}
                confirming={confirming === member.user_id}
                error={rowError?.userId === member.user_id ? rowError.text : undefined}
                roleError={rowError?.userId === member.user_id && rowError.action === "role"}
                onRole={(role) => void changeRole(member, role)}
                onAskRemove={() => {
                  setRowError(null);
                  setConfirming(member.user_id);
                }}
                onCancelRemove={() => setConfirming(null)}
                onRemove={() => void remove(member)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

interface MemberRowProps {
  member: Member;
  isSelf: boolean;
  canManage: boolean;
  busy: boolean;
  confirming: boolean;
  error: string | undefined;
  /** The error came from a role change (the select is marked invalid). */
  roleError: boolean;
  onRole: (role: ProjectRole) => void;
  onAskRemove: () => void;
  onCancelRemove: () => void;
  onRemove: () => void;
}

function MemberRow({ member, isSelf, canManage, busy, confirming, error, roleError, ...actions }: MemberRowProps) {
  const errorKey = `member-${member.user_id}`;
  return (
    <>
      <tr className={error ? "has-error" : undefined}>
        <td>
          <span className="user-chip">
            <span className="user-chip__avatar" aria-hidden="true">
              {member.username.slice(0, 1).toUpperCase()}
            </span>
            <span className="user-chip__name">{member.username}</span>
            {isSelf ? <span className="badge badge--neutral">You</span> : null}
          </span>
        </td>
        <td>
          {canManage ? (
            <select
              className="input mg-select mg-select--compact"
              aria-label={`Role of ${member.username}`}
              value={member.role}
              disabled={busy}
              onChange={(e) => actions.onRole(e.target.value as ProjectRole)}
              {...invalidProps(errorKey, roleError ? error : undefined)}
            >
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {ROLE_LABELS[role]}
                </option>
              ))}
            </select>
          ) : (
            <span className={`role role--${member.role}`}>{ROLE_LABELS[member.role]}</span>
          )}
        </td>
        <td className="muted">{formatDate(member.created_at)}</td>
        {canManage ? (
          <td className="mg-actions-cell">
            {confirming ? (
              <span className="mg-confirm">
                <span className="mg-small">Remove?</span>
                <button
                  type="button"
                  className="button button--small mg-button-danger"
                  onClick={actions.onRemove}
                  disabled={busy}
                  autoFocus
                >
                  Remove {member.username}
                </button>
                <button type="button" className="button button--ghost button--small" onClick={actions.onCancelRemove}>
                  Cancel
                </button>
              </span>
            ) : (
              <button
                type="button"
                className="button button--ghost button--small"
                aria-label={`Remove ${member.username}`}
                onClick={actions.onAskRemove}
                disabled={busy}
              >
                Remove
              </button>
            )}
          </td>
        ) : null}
      </tr>
      {error ? (
        <tr className="mg-row-error">
          <td colSpan={canManage ? 4 : 3}>
            <div role="alert">
              <FieldMessage errorKey={errorKey} message={error} />
            </div>
          </td>
        </tr>
      ) : null}
    </>
  );
}

function AddMemberForm({ projectId, onAdded }: { projectId: number; onAdded: (member: Member) => void }) {
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<ProjectRole>("annotator");
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<{ key: string; text: string } | null>(null);
  const [formError, setFormError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFieldError(null);
    setFormError(null);
    const name = username.trim();
    if (!name) {
      setFieldError({ key: "member-username", text: "Enter a username." });
      document.getElementById(inputId("member-username"))?.focus();
      return;
    }
    setBusy(true);
    try {
      const member = await setMember(projectId, name, role);
      onAdded(member);
      setUsername("");
      document.getElementById(inputId("member-username"))?.focus();
    } catch (error) {
      if (isApiError(error) && (error.field === "username" || error.field === "role")) {
        const key = `member-${error.field}`;
        const text = error.field === "username" && error.message.startsWith("no user") ? `There is no user named “${name}”.` : error.message;
        setFieldError({ key, text });
        document.getElementById(inputId(key))?.focus();
      } else {
        setFormError(error);
      }
    } finally {
      setBusy(false);
    }
  }

  const usernameError = fieldError?.key === "member-username" ? fieldError.text : undefined;
  const roleError = fieldError?.key === "member-role" ? fieldError.text : undefined;
  return (
    <form className="mg-card mg-add-member" onSubmit={submit} noValidate aria-labelledby="add-member-title">
      <h2 id="add-member-title" className="mg-card__title">
        Add a member
      </h2>
      <div className="mg-add-member__row">
        <div className="form-field mg-grow">
          <label className="form-field__label" htmlFor={inputId("member-username")}>
            Username
          </label>
          <input
            id={inputId("member-username")}
            className="input"
            value={username}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setUsername(e.target.value);
              setFieldError(null);
            }}
            {...invalidProps("member-username", usernameError)}
          />
          <FieldMessage errorKey="member-username" message={usernameError} />
        </div>
        <div className="form-field">
          <label className="form-field__label" htmlFor={inputId("member-role")}>
            Role
          </label>
          <select
            id={inputId("member-role")}
            className="input mg-select"
            value={role}
            onChange={(e) => setRole(e.target.value as ProjectRole)}
            {...invalidProps("member-role", roleError)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
          <FieldMessage errorKey="member-role" message={roleError} />
        </div>
        <button type="submit" className="button button--primary mg-add-member__submit" disabled={busy}>
          {busy ? <span className="spinner spinner--on-accent" aria-hidden="true" /> : null}
          Add member
        </button>
      </div>
      <p className="muted mg-small">
        {ROLE_LABELS[role]}: {ROLE_HINTS[role]}. Adding someone who is already a member changes their role.
      </p>
      {formError ? <ErrorMessage error={formError} /> : null}
    </form>
  );
}
