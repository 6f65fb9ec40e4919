import type { NextFunction, Request, Response } from 'express';
import { isAdmin, type Authenticator, type Principal } from '../../../application/ports/authenticator.js';
import { sendProblem } from './problem.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function authenticate(authenticator: Authenticator) {
  return async (request: Request, response: Response, next: NextFunction) => {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const principal = token ? await authenticator.authenticate(token) : null;
    if (!principal) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      return sendProblem(response, { type: 'https://ontrackio.dev/problems/unauthenticated', title: 'Sign-in required', status: 401, detail: 'Send a valid bearer token in the Authorization header.' });
    }
    request.principal = principal;
    next();
  };
}

/** Admin → Bulk import and Settings are for the admin, it-admin and super-admin roles. */
export function requireAdmin(request: Request, response: Response, next: NextFunction) {
  if (request.principal && isAdmin(request.principal)) return next();
  sendProblem(response, { type: 'https://ontrackio.dev/problems/forbidden', title: 'Admin role required', status: 403, detail: 'This needs the admin, it-admin or super-admin role.' });
}
