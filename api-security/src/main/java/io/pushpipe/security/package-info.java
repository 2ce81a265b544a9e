/**
 * Who may call the services' HTTP APIs: Supabase-style JWT bearer tokens (HS256 with the project's secret,
 * or RS256/ES256 through a JWKS URL), the two roles ({@code authenticated}, {@code service_role}), answers
 * for refused requests as RFC 9457 problem details, a per-caller rate limit on POSTs, and the development
 * tokens of the local stack and the tests. Each service imports {@link io.pushpipe.security.ApiSecurity}
 * and declares its {@link io.pushpipe.security.AccessRules}.
 */
package io.pushpipe.security;
