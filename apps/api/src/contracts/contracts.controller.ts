import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Money, type Actor, type ContractCommand, type MilestoneStatus } from '@escrow/domain';
import { requestScopedId, type CommandResult } from '@escrow/runtime';
import { CurrentActor, Roles, type AuthenticatedRequest } from '../auth/auth.guard';
import { ApiErrors } from '../http/error.responses';
import { PathId } from '../http/path-id.pipe';
import { ApiFile, ApiIdempotencyKey, ApiMinPosition, ApiPartyToken, ApiPathId } from '../openapi/operation-docs';
import { requestContext } from '../http/request-context';
import {
  ApproveMilestone,
  ExecuteContractCommand,
  FundMilestone,
  ResolveMilestoneDispute,
} from './contract.commands';
import { caseFileName } from './case-file';
import { ContractQueries } from './contract.query';
import { ContractListQuery } from './contract-list';
import {
  ArchivedResponse,
  ContractHistoryResponse,
  ContractPageResponse,
  ContractReplayResponse,
  ContractViewResponse,
  HiredResponse,
  MilestoneAddedResponse,
  MilestoneOutcomeResponse,
  NoteAddedResponse,
} from './contract.responses';
import { CancelDto, DisputeDto, EmptyDto, HireTrainerDto, MilestoneDto, RequestApprovalDto, ResolveDisputeDto, SupportNoteDto } from './contract.dtos';

/** A milestone command: the refusals it can meet besides a bad request. */
const ApiMilestoneCommand = (summary: string) =>
  applyDecorators(
    ApiOperation({ summary }),
    ApiIdempotencyKey(),
    ApiPathId('cid', 'The contract.'),
    ApiPathId('mid', 'The milestone.'),
    ApiErrors(404, 409, 422),
  );

type ContractResult = CommandResult<{ status: string; milestones?: Record<string, { status: MilestoneStatus }> }>;

@ApiTags('contracts')
@ApiPartyToken()
@Controller('v1/contracts')
export class ContractsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queries: ContractQueries,
  ) {}

  @Post()
  @Roles('employer')
  @ApiOperation({ summary: 'Hire a trainer: a contract with its first milestone (employer).' })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: HiredResponse })
  @ApiErrors(409, 422)
  async hire(@Body() body: HireTrainerDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    // The same ids on a re-run of this request under its Idempotency-Key (see requestScopedId).
    const contractId = requestScopedId('contract');
    const milestoneId = requestScopedId('milestone');
    const { firstMilestone } = body;
    const command: ContractCommand = {
      type: 'HireTrainer',
      actor,
      data: {
        contractId,
        milestoneId,
        trainerId: body.trainerId,
        projectName: body.projectName.trim(),
        firstMilestone: draft(firstMilestone),
      },
    };
    const result = await this.run(new ExecuteContractCommand(contractId, command, requestContext(actor, request)));
    return { contractId, milestoneId, position: result.position };
  }

  @Post(':cid/milestones')
  @Roles('employer')
  @ApiOperation({ summary: 'Add a milestone to a contract (employer).' })
  @ApiIdempotencyKey()
  @ApiPathId('cid', 'The contract.')
  @ApiCreatedResponse({ type: MilestoneAddedResponse })
  @ApiErrors(404, 409, 422)
  async addMilestone(
    @Param('cid', PathId) contractId: string,
    @Body() body: MilestoneDto,
    @CurrentActor() actor: Actor,
    @Req() request: AuthenticatedRequest,
  ) {
    const milestoneId = requestScopedId('milestone');
    const command: ContractCommand = { type: 'AddMilestone', actor, data: { contractId, milestoneId, ...draft(body) } };
    const result = await this.run(new ExecuteContractCommand(contractId, command, requestContext(actor, request)));
    return { milestoneId, position: result.position };
  }

  @Post(':cid/milestones/:mid/fund')
  @HttpCode(202)
  @Roles('employer')
  @ApiMilestoneCommand('Fund a milestone (employer): the charge runs in the background; watch the contract for funded.')
  @ApiAcceptedResponse({ type: MilestoneOutcomeResponse })
  fund(@Param('cid', PathId) cid: string, @Param('mid', PathId) mid: string, @Body() _: EmptyDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.milestoneOutcome(mid, new FundMilestone(cid, mid, requestContext(actor, request)));
  }

  @Post(':cid/milestones/:mid/request-approval')
  @HttpCode(200)
  @ApiMilestoneCommand('Ask the employer to approve delivered work (trainer).')
  @ApiOkResponse({ type: MilestoneOutcomeResponse })
  @Roles('trainer')
  requestApproval(
    @Param('cid', PathId) contractId: string,
    @Param('mid', PathId) milestoneId: string,
    @Body() body: RequestApprovalDto,
    @CurrentActor() actor: Actor,
    @Req() request: AuthenticatedRequest,
  ) {
    const command: ContractCommand = { type: 'RequestApproval', actor, data: { contractId, milestoneId, note: body.note ?? null } };
    return this.milestoneOutcome(milestoneId, new ExecuteContractCommand(contractId, command, requestContext(actor, request)));
  }

  @Post(':cid/milestones/:mid/approve')
  @HttpCode(200)
  @ApiMilestoneCommand('Approve a milestone (employer): the payout runs in the background.')
  @ApiOkResponse({ type: MilestoneOutcomeResponse })
  @Roles('employer')
  approve(@Param('cid', PathId) cid: string, @Param('mid', PathId) mid: string, @Body() _: EmptyDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.milestoneOutcome(mid, new ApproveMilestone(cid, mid, requestContext(actor, request)));
  }

  @Post(':cid/milestones/:mid/dispute')
  @HttpCode(200)
  @ApiMilestoneCommand('Dispute a milestone (employer or trainer).')
  @ApiOkResponse({ type: MilestoneOutcomeResponse })
  @Roles('employer', 'trainer')
  dispute(
    @Param('cid', PathId) contractId: string,
    @Param('mid', PathId) milestoneId: string,
    @Body() body: DisputeDto,
    @CurrentActor() actor: Actor,
    @Req() request: AuthenticatedRequest,
  ) {
    const command: ContractCommand = { type: 'Dispute', actor, data: { contractId, milestoneId, reason: body.reason } };
    return this.milestoneOutcome(milestoneId, new ExecuteContractCommand(contractId, command, requestContext(actor, request)));
  }

  @Post(':cid/milestones/:mid/resolve')
  @HttpCode(200)
  @ApiMilestoneCommand('Resolve a dispute: release, refund or split (support).')
  @ApiOkResponse({ type: MilestoneOutcomeResponse })
  @Roles('support')
  resolve(
    @Param('cid', PathId) contractId: string,
    @Param('mid', PathId) milestoneId: string,
    @Body() body: ResolveDisputeDto,
    @CurrentActor() actor: Actor,
    @Req() request: AuthenticatedRequest,
  ) {
    // Which resolution may name a trainerAmount, and how much it may be, the decider rules.
    const trainerAmountCents = body.trainerAmount === undefined ? null : Money.parse(body.trainerAmount).amountCents;
    const command = new ResolveMilestoneDispute(contractId, milestoneId, body.resolution, trainerAmountCents, body.note.trim(), requestContext(actor, request));
    return this.milestoneOutcome(milestoneId, command);
  }

  /** Support's notes on a milestone that is or was disputed: appended, never edited. */
  @Post(':cid/milestones/:mid/notes')
  @ApiMilestoneCommand("Add a note to a milestone's dispute (support).")
  @ApiCreatedResponse({ type: NoteAddedResponse })
  @Roles('support')
  async addNote(
    @Param('cid', PathId) contractId: string,
    @Param('mid', PathId) milestoneId: string,
    @Body() body: SupportNoteDto,
    @CurrentActor() actor: Actor,
    @Req() request: AuthenticatedRequest,
  ) {
    const noteId = requestScopedId('note');
    const command: ContractCommand = { type: 'AddSupportNote', actor, data: { contractId, milestoneId, noteId, note: body.note.trim() } };
    const result = await this.run(new ExecuteContractCommand(contractId, command, requestContext(actor, request)));
    return { noteId, position: result.position };
  }

  @Post(':cid/milestones/:mid/cancel')
  @HttpCode(200)
  @ApiMilestoneCommand('Cancel a milestone that is not funded (employer).')
  @ApiOkResponse({ type: MilestoneOutcomeResponse })
  @Roles('employer')
  cancel(
    @Param('cid', PathId) contractId: string,
    @Param('mid', PathId) milestoneId: string,
    @Body() body: CancelDto,
    @CurrentActor() actor: Actor,
    @Req() request: AuthenticatedRequest,
  ) {
    const command: ContractCommand = { type: 'Cancel', actor, data: { contractId, milestoneId, reason: body.reason ?? null } };
    return this.milestoneOutcome(milestoneId, new ExecuteContractCommand(contractId, command, requestContext(actor, request)));
  }

  @Post(':cid/archive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive a contract whose milestones are all settled (employer).' })
  @ApiIdempotencyKey()
  @ApiPathId('cid', 'The contract.')
  @ApiOkResponse({ type: ArchivedResponse })
  @ApiErrors(404, 409, 422)
  @Roles('employer')
  async archive(@Param('cid', PathId) contractId: string, @Body() _: EmptyDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    const command: ContractCommand = { type: 'Archive', actor, data: { contractId } };
    const result = await this.run(new ExecuteContractCommand(contractId, command, requestContext(actor, request)));
    return { status: result.state.status, position: result.position };
  }

  @Get()
  @ApiOperation({ summary: 'The contracts the caller may read, latest activity first: a party its own, staff any (filters).' })
  @ApiOkResponse({ type: ContractPageResponse })
  @ApiErrors(403)
  list(@Query() query: ContractListQuery, @CurrentActor() actor: Actor) {
    return this.queries.list(actor, query);
  }

  @Get(':cid')
  @ApiOperation({ summary: 'The contract and its milestones, as the parties, support, finance and services see it.' })
  @ApiPathId('cid', 'The contract.')
  @ApiMinPosition()
  @ApiQuery({ name: 'asOf', required: false, type: String, description: 'A position or an ISO instant: the contract as it stood then, folded from the log.' })
  @ApiOkResponse({ type: ContractViewResponse })
  @ApiErrors(404, 503)
  get(
    @Param('cid', PathId) contractId: string,
    @CurrentActor() actor: Actor,
    @Query('minPosition') minPosition?: string,
    @Query('asOf') asOf?: string,
  ) {
    if (asOf !== undefined) return this.queries.contractAsOf(contractId, actor, asOf, minPosition);
    return this.queries.contract(contractId, actor, minPosition);
  }

  /** Support's case file of a dispute: the same document as JSON and as PDF, both as downloads. */
  @Get(':cid/case-file')
  @Roles('support')
  @ApiOperation({ summary: "A dispute's case file as a JSON download (support)." })
  @ApiPathId('cid', 'The contract.')
  @ApiOkResponse({
    description: 'The case file (Content-Disposition: attachment): contract, disputes, resolutions, notes, invoices, Stripe ids, timeline.',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiErrors(404)
  async caseFile(@Param('cid', PathId) contractId: string, @CurrentActor() actor: Actor): Promise<StreamableFile> {
    const json = Buffer.from(`${JSON.stringify(await this.queries.caseFile(contractId, actor), null, 2)}\n`, 'utf8');
    return new StreamableFile(json, { type: 'application/json; charset=utf-8', disposition: `attachment; filename="${caseFileName(contractId, 'json')}"`, length: json.length });
  }

  @Get(':cid/case-file.pdf')
  @Roles('support')
  @ApiOperation({ summary: 'The same case file as a PDF download (support).' })
  @ApiPathId('cid', 'The contract.')
  @ApiFile('application/pdf', 'The case file (Content-Disposition: attachment).')
  @ApiErrors(404)
  async caseFilePdf(@Param('cid', PathId) contractId: string, @CurrentActor() actor: Actor): Promise<StreamableFile> {
    const pdf = await this.queries.caseFilePdf(contractId, actor);
    return new StreamableFile(pdf, { type: 'application/pdf', disposition: `attachment; filename="${caseFileName(contractId, 'pdf')}"`, length: pdf.length });
  }

  @Get(':cid/replay')
  @ApiOperation({ summary: "The contract's history as steps: each event with the state after it and what it posted." })
  @ApiPathId('cid', 'The contract.')
  @ApiOkResponse({ type: ContractReplayResponse })
  @ApiErrors(404)
  replay(@Param('cid', PathId) contractId: string, @CurrentActor() actor: Actor) {
    return this.queries.replay(contractId, actor);
  }

  @Get(':cid/events')
  @ApiOperation({ summary: "The contract's events, in order: its audit history." })
  @ApiPathId('cid', 'The contract.')
  @ApiOkResponse({ type: ContractHistoryResponse })
  @ApiErrors(404)
  events(@Param('cid', PathId) contractId: string, @CurrentActor() actor: Actor) {
    return this.queries.history(contractId, actor);
  }

  private run(command: object): Promise<ContractResult> {
    return this.commandBus.execute(command as never) as Promise<ContractResult>;
  }

  private async milestoneOutcome(milestoneId: string, command: object) {
    const result = await this.run(command);
    return { status: result.state.milestones?.[milestoneId]?.status, position: result.position };
  }
}

function draft(milestone: MilestoneDto) {
  return {
    name: milestone.name.trim(),
    description: milestone.description ?? null,
    amount: Money.parse(milestone.amount),
    dueDate: milestone.dueDate ?? null,
  };
}

