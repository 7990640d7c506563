import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { anchorDigest, chainAlgorithm, currentAnchor, verifyChain, type AnchorReport, type AuditLog, type VerifyReport } from '@escrow/event-store';
import { Roles } from '../auth/auth.guard';
import { ApiPartyToken } from '../openapi/operation-docs';
import { AnchorResponse, VerifyResponse } from './audit.responses';
import { AUDIT_LOG } from './audit.tokens';
import { parseVerifyQuery } from './audit.params';

/**
 * The tamper-evident history for finance: every event is a link in its stream's hash chain
 * (libs/event-store/src/hash-chain). Verify recomputes the links; the anchor is what finance
 * records outside the system to prove later that nothing before it changed.
 */
@ApiTags('audit')
@ApiPartyToken()
@Controller('v1/audit')
@Roles('finance')
export class AuditController {
  constructor(@Inject(AUDIT_LOG) private readonly log: AuditLog) {}

  /** 200 either way: `ok` false with the first broken link (position, expected vs found) or the anchor mismatch. */
  @Get('verify')
  @ApiOperation({ summary: 'Recompute the hash chain of the log (finance).' })
  @ApiQuery({ name: 'from', required: false, type: String, description: 'Exclusive: check the events after this position.' })
  @ApiQuery({ name: 'to', required: false, type: String, description: 'Inclusive: stop after this position.' })
  @ApiQuery({ name: 'anchor', required: false, type: String, description: 'An anchor recorded earlier (`<position>.<hash>`): it must still match.' })
  @ApiOkResponse({ type: VerifyResponse })
  verify(@Query('from') from?: string, @Query('to') to?: string, @Query('anchor') anchor?: string): Promise<VerifyReport> {
    return verifyChain(this.log, parseVerifyQuery({ from, to, anchor }));
  }

  @Get('anchor')
  @ApiOperation({ summary: 'The current anchor, for finance to record outside the system (finance).' })
  @ApiOkResponse({ type: AnchorResponse })
  async anchor(): Promise<AnchorReport | { algorithm: string; position: null; hash: string; streams: 0; anchor: null }> {
    return (await currentAnchor(this.log)) ?? { algorithm: chainAlgorithm, position: null, hash: anchorDigest([]), streams: 0, anchor: null };
  }
}
