import { principalSchema, type Principal } from '@app/platform';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DELIVERY_QUEUES, MAINTENANCE_QUEUE } from '../notices/notice-queue';
import { DASHBOARD_COOKIE, dashboardAccess, tokenFromCookie } from './dashboard-access';

export const DASHBOARD_PATH = '/queues';
const COOKIE_MAX_AGE_S = 3_600;

type Refusal = { status: 401 | 403; code: string; message: string };

/**
 * bull-board under /queues: the notice queues, their failed jobs, retries. It is a plain Express app
 * the global guard never sees, so it checks the platform's tokens itself. Two boards over the same
 * queues: one that can act, for admins, and one whose every queue is read-only, for auditors.
 */
@Injectable()
export class QueueDashboardService implements OnModuleInit {
  private readonly logger = new Logger(QueueDashboardService.name);
  private mounted = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly jwt: JwtService,
    @InjectQueue(DELIVERY_QUEUES.sms) private readonly sms: Queue,
    @InjectQueue(DELIVERY_QUEUES.zalo) private readonly zalo: Queue,
    @InjectQueue(DELIVERY_QUEUES.email) private readonly email: Queue,
    @InjectQueue(MAINTENANCE_QUEUE) private readonly maintenance: Queue,
  ) {}

  onModuleInit(): void {
    // Nest runs init hooks for the HTTP app and again for the Kafka microservice of the same app.
    const server = this.adapterHost.httpAdapter?.getInstance<{ use: (path: string, ...handlers: RequestHandler[]) => void }>();
    if (this.mounted || !server) return;
    const operate = this.board(false);
    const readOnly = this.board(true);
    server.use(DASHBOARD_PATH, (request, response, next) => this.admit(request, response, next), (request, response, next) =>
      (response.locals.dashboardAccess === 'operate' ? operate : readOnly)(request, response, next),
    );
    this.mounted = true;
  }

  private board(readOnlyMode: boolean): RequestHandler {
    const adapter = new ExpressAdapter().setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: [this.sms, this.zalo, this.email, this.maintenance].map((queue) => new BullMQAdapter(queue, { readOnlyMode })),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: readOnlyMode ? 'AnSinh — hàng đợi (chỉ xem)' : 'AnSinh — hàng đợi thông báo' } },
    });
    return adapter.getRouter() as RequestHandler;
  }

  /** A token in the query (the link an admin opens) is swapped for a cookie and taken out of the URL. */
  private async admit(request: Request, response: Response, next: NextFunction): Promise<void> {
    const fromQuery = typeof request.query.token === 'string' ? request.query.token : undefined;
    const [scheme, fromHeader] = String(request.headers.authorization ?? '').split(' ');
    const token = fromQuery ?? (scheme === 'Bearer' ? fromHeader : undefined) ?? tokenFromCookie(request.headers.cookie);
    const principal = await this.verify(token);
    if ('status' in principal) {
      response.status(principal.status).json({ code: principal.code, message: principal.message });
      return;
    }
    const access = dashboardAccess(principal.role);
    if (access === 'none') {
      response.status(403).json({ code: 'AUTH.ROLE_NOT_ALLOWED', message: 'Vai trò của bạn không được xem hàng đợi thông báo.' });
      return;
    }
    if (fromQuery) {
      response.cookie(DASHBOARD_COOKIE, fromQuery, { httpOnly: true, sameSite: 'strict', path: DASHBOARD_PATH, maxAge: COOKIE_MAX_AGE_S * 1_000 });
      response.redirect(303, DASHBOARD_PATH);
      return;
    }
    this.logger.debug({ actor: `${principal.role}:${principal.sub}`, access, method: request.method, path: request.path }, 'queue dashboard request');
    response.locals.dashboardAccess = access;
    next();
  }

  private async verify(token: string | undefined): Promise<Principal | Refusal> {
    if (!token) return { status: 401, code: 'AUTH.UNAUTHENTICATED', message: 'Cần đăng nhập: thiếu mã truy cập (Bearer token).' };
    try {
      const principal = principalSchema.safeParse(await this.jwt.verifyAsync(token, { algorithms: ['HS256'] }));
      if (principal.success) return principal.data;
    } catch {
      // falls through to the refusal below: an expired and a forged token get the same answer
    }
    return { status: 401, code: 'AUTH.INVALID_TOKEN', message: 'Mã truy cập không hợp lệ hoặc đã hết hạn.' };
  }
}
