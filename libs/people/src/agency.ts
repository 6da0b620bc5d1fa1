/**
 * The agency (预算单位) a project belongs to. The one place that says which field of the
 * catalogue holds it, so access rules follow when the catalogue's agency changes shape.
 */
export function projectAgency(project: { budgetUnit: string }): string {
  return project.budgetUnit.trim();
}
