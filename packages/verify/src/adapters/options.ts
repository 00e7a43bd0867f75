/** What a route needs: a fixed `section:access`, one chosen per request, or none (any valid key). */
export type PermissionOption<Request> = string | ((request: Request) => string | undefined) | undefined;

export interface AdapterOptions<Request> {
  permission?: PermissionOption<Request>;
  /** The end client's address; by default the framework's (mind your trust-proxy setting). */
  ip?: (request: Request) => string | undefined;
}

export function permissionFor<Request>(
  option: PermissionOption<Request>,
  request: Request,
): string | undefined {
  return typeof option === "function" ? option(request) : option;
}
