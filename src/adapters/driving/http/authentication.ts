import type { NextFunction, Request, Response } from 'express';
import { isAdmin, type Authenticator, type Principal } from '../../../application/ports/authenticator.js';
import { sendProblem } from './problem.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

const SIGN_IN_FIX = 'Send "Authorization: Bearer <token>" with a token the server was given (API_TOKENS on the standalone server).';

export function authenticate(authenticator: Authenticator) {
  return async (request: Request, response: Response, next: NextFunction) => {
    const header = request.headers.authorization;
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    const principal = token ? await authenticator.authenticate(token) : null;
    if (!principal) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      const detail = !header ? 'The request has no Authorization header.' : !token ? 'The Authorization header does not hold a bearer token.' : 'The bearer token is not one this server knows: mistyped, or no longer issued.';
      return sendProblem(response, { type: 'https://ontrackio.dev/problems/unauthenticated', title: 'Sign-in required', status: 401, detail, fix: SIGN_IN_FIX });
    }
    request.principal = principal;
    next();
  };
}

/** Admin → Bulk import and Settings are for the admin, it-admin and super-admin roles. */
export function requireAdmin(request: Request, response: Response, next: NextFunction) {
  if (request.principal && isAdmin(request.principal)) return next();
  sendProblem(response, { type: 'https://ontrackio.dev/problems/forbidden', title: 'Admin role required', status: 403, detail: 'This needs the admin, it-admin or super-admin role.', fix: 'Sign in as an admin, or ask one to give you one of those roles.' });
}
