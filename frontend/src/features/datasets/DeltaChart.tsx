import { useId, type RefObject } from "react";
import { useWidth } from "../../components/charts/useWidth";
import { linearScale, truncate } from "../../components/charts/scale";
import { labelWidthFor } from "../../components/charts/BarChart";
import "../../components/charts/charts.css";
import { deltaDomain, signed, type HistogramRow } from "./diffMath";

const ROW = 26;
const BAR = 16;
const VALUE = 44;

/** Diverging bar chart of label count changes: gains to the right (green), losses to the left (red). */
export function DeltaChart({ rows, title }: { rows: readonly HistogramRow[]; title: string }) {
  const id = useId();
  const [ref, WIDTH] = useWidth<HTMLElement>(560);
  const LABEL = labelWidthFor(WIDTH);
  const x = linearScale(deltaDomain(rows), [LABEL + VALUE, WIDTH - VALUE]);
  const zero = x(0);
  const height = rows.length * ROW + 4;
  return (
    <figure className="chart" ref={ref as RefObject<HTMLElement>}>
      <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} role="img" aria-labelledby={`${id}-t`}>
        <title id={`${id}-t`}>{title}</title>
        <line x1={zero} x2={zero} y1={0} y2={height} stroke="var(--color-border-strong)" aria-hidden="true" />
        {rows.map((row, i) => {
          const y = i * ROW + (ROW - BAR) / 2 + 2;
          const end = x(row.delta);
          const left = Math.min(zero, end);
          const color = row.delta >= 0 ? "#12b76a" : "#f04438";
          return (
            <g key={row.key} className="chart__bar">
              <title>{`${row.key}: ${row.before} → ${row.after} (${signed(row.delta)})`}</title>
              <text className="chart__label" x={LABEL - 8} y={y + BAR / 2} textAnchor="end" dominantBaseline="central">
                {truncate(row.key, Math.floor((LABEL - 8) / 6.8))}
              </text>
              <rect x={left} y={y} width={Math.max(2, Math.abs(end - zero))} height={BAR} rx={3} fill={color} />
              <text
                className="chart__value"
                x={row.delta >= 0 ? end + 6 : end - 6}
                y={y + BAR / 2}
                textAnchor={row.delta >= 0 ? "start" : "end"}
                dominantBaseline="central"
              >
                {signed(row.delta)}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.key}</th>
              <td>{row.before}</td>
              <td>{row.after}</td>
              <td>{signed(row.delta)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
