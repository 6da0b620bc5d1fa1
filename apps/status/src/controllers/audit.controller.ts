import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@iw/people';
import { AuditListSchema, AuditQuerySchema, type AuditList, type AuditQuery } from '../dtos/audit.dto';
import { openApi } from '../dtos/openapi';
import { Auth, Requires } from '../middleware/public.decorator';
import { ZodPipe } from '../middleware/zod.pipe';
import { AuditService } from '../services/audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Requires('audit')
  @Get()
  @ApiOperation({
    summary:
      'The audit log, newest first: every ack, silence, unsilence, report (填报), deviation and sign-in — who (actor), when (at: domain clock; recordedAt: wall clock), on what (target), before and after, from which address. Only entries of the agencies the caller reads.',
  })
  @ApiQuery({ name: 'indicator', required: false, description: 'indicator id' })
  @ApiQuery({ name: 'actor', required: false, description: 'an address, or a token id token:<scope>:<digest>' })
  @ApiQuery({ name: 'since', required: false, description: 'YYYY-MM-DD or an ISO date-time (domain time)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–5000, default 500' })
  @ApiOkResponse({ schema: openApi(AuditListSchema) })
  list(@Auth() p: Principal, @Query(new ZodPipe(AuditQuerySchema)) q: AuditQuery): Promise<AuditList> {
    return this.audit.list(p, q);
  }
}
