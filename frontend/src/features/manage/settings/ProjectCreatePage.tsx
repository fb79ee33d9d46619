import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { createProject } from "../../../api/manage";
import { draftToSchema, emptySchemaDraft } from "../schema/schemaDraft";
import { ProjectForm } from "./ProjectForm";
import { emptySettingsDraft, settingsPayload } from "./settingsDraft";
import "../manage.css";

/** `/projects/new`: settings, schema editor with live preview; the creator becomes manager. */
export function ProjectCreatePage() {
  const navigate = useNavigate();
  const [initialSchema] = useState(() => emptySchemaDraft("image"));
  const [initialSettings] = useState(() => emptySettingsDraft("image"));

  return (
    <div className="page">
      <div className="mg-project__head">
        <nav aria-label="Breadcrumb" className="mg-breadcrumb">
          <Link to="/projects">Projects</Link>
          <span aria-hidden="true">/</span>
        </nav>
        <h1 className="page-header__title">New project</h1>
        <p className="page-header__subtitle muted">You become the project's manager; add members and items next.</p>
      </div>
      <ProjectForm
        mode="create"
        initialSettings={initialSettings}
        initialSchema={initialSchema}
        submitLabel="Create project"
        busyLabel="Creating…"
        onSubmit={async ({ settings, schema }) => {
          const project = await createProject({
            ...settingsPayload(settings),
            kind: settings.kind,
            label_schema: draftToSchema(schema),
          });
          navigate(`/projects/${project.id}/import`, { state: { created: true } });
        }}
        actions={
          <Link to="/projects" className="button button--ghost">
            Cancel
          </Link>
        }
      />
    </div>
  );
}
