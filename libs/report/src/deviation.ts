/** 偏差原因 categories of the 绩效监控表, in the form's column order. */
export const DEVIATION_CATEGORIES = ['经费保障', '制度保障', '人员保障', '硬件条件保障', '其他'] as const;

export type DeviationCategory = (typeof DEVIATION_CATEGORIES)[number];

/** What an owner records for an indicator behind its target: why (category + remark) and 整改措施. */
export interface Deviation {
  category: DeviationCategory;
  remark: string;
  measures: string;
}

export function isDeviationCategory(value: string): value is DeviationCategory {
  return (DEVIATION_CATEGORIES as readonly string[]).includes(value);
}
