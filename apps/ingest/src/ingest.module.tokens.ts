export const APP_CONFIG = 'APP_CONFIG';
export const CLOCK = 'CLOCK';
