import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { throwError } from 'rxjs';
import { RequestContext } from '../context/request-context';
import { DomainError, HTTP_STATUS_OF_KIND } from './domain-error';

export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  correlationId?: string;
  errorId?: string;
}

const CODE_OF_HTTP_STATUS: Readonly<Record<number, [string, string]>> = {
  400: ['REQUEST.INVALID', 'Yêu cầu không hợp lệ.'],
  401: ['AUTH.UNAUTHENTICATED', 'Cần đăng nhập (thiếu hoặc sai mã truy cập).'],
  403: ['AUTH.FORBIDDEN', 'Bạn không có quyền thực hiện thao tác này.'],
  404: ['REQUEST.NOT_FOUND', 'Không tìm thấy địa chỉ được yêu cầu.'],
  413: ['REQUEST.TOO_LARGE', 'Dữ liệu gửi lên quá lớn.'],
  415: ['REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Định dạng dữ liệu không được hỗ trợ.'],
  429: ['REQUEST.TOO_MANY', 'Quá nhiều yêu cầu, vui lòng thử lại sau.'],
};

/** The one place errors become responses: domain errors by kind, framework errors by status, the rest 500. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost) {
    // On the Kafka side the inbox consumer decides between retry and dead letter; an error reaching
    // here is an infrastructure failure that kafkajs must redeliver, so it is passed through.
    if (host.getType() !== 'http') return throwError(() => exception);

    const response = host.switchToHttp().getResponse<Response>();
    const correlationId = RequestContext.current()?.correlationId;
    const [status, body] = this.toResponse(exception);
    if (status >= 500) {
      body.errorId = randomUUID();
      this.logger.error({ err: exception, errorId: body.errorId }, 'unhandled error');
    }
    response.status(status).json({ ...body, correlationId });
  }

  private toResponse(exception: unknown): [number, ErrorBody] {
    if (exception instanceof DomainError) {
      return [HTTP_STATUS_OF_KIND[exception.kind], { code: exception.code, message: exception.message, details: exception.details }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const [code, message] = CODE_OF_HTTP_STATUS[status] ?? [`HTTP.${status}`, exception.message];
      return [status, { code, message }];
    }
    return [HttpStatus.INTERNAL_SERVER_ERROR, { code: 'INTERNAL.UNEXPECTED', message: 'Lỗi hệ thống, vui lòng thử lại hoặc báo quản trị viên kèm mã lỗi.' }];
  }
}
