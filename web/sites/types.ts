import type { api } from '../api/client.ts';

/** The site workspace's data, as the API's routes type it (server/sites/routes.ts). */
export type SiteSummary = Awaited<ReturnType<typeof api.sites>>['sites'][number];
export type SiteDetail = Awaited<ReturnType<typeof api.site>>;
export type SiteInspection = SiteDetail['inspections'][number];
export type SitePhoto = SiteInspection['photos'][number];
export type SiteDefect = SiteInspection['defects'][number];
