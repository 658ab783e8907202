/** Where Bull Board is served; basic auth guards every route under it (protectWithBasicAuth). */
export const BOARD_ROUTE = '/admin/queues';
