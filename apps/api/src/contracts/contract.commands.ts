import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { planOnFile, type ContractCommand, type ContractState } from '@escrow/domain';
import type { RequestContext } from '../http/request-context';
import { APP_CONFIG, CommandHandling, type AppConfig, type CommandBuilder } from '@escrow/runtime';


/**
 * Every contract command goes through the bus as this message: the domain command (or a builder
 * that needs the loaded state) and who asked. One thin handler: load, decide, append.
 */
export class ExecuteContractCommand {
  constructor(
    readonly contractId: string,
    readonly command: ContractCommand | CommandBuilder<ContractCommand, ContractState>,
    readonly context: RequestContext,
  ) {}
}

@CommandHandler(ExecuteContractCommand)
export class ExecuteContractCommandHandler implements ICommandHandler<ExecuteContractCommand> {
  constructor(private readonly commands: CommandHandling) {}

  execute({ contractId, command, context }: ExecuteContractCommand) {
    return this.commands.contract(contractId, command, { ...context, causationId: context.correlationId });
  }
}

/** Funding needs the employer's saved payment method (and, for an agency, an active plan): looked up here, checked by the decider. */
export class FundMilestone {
  constructor(
    readonly contractId: string,
    readonly milestoneId: string,
    readonly context: RequestContext,
  ) {}
}

@CommandHandler(FundMilestone)
export class FundMilestoneHandler implements ICommandHandler<FundMilestone> {
  constructor(private readonly commands: CommandHandling) {}

  async execute({ contractId, milestoneId, context }: FundMilestone) {
    return this.commands.contract(
      contractId,
      async (state) => {
        const employerId = state.status === 'none' ? context.actor.id : state.employerId;
        const employer = await this.commands.loadEmployer(employerId);
        return {
          type: 'RequestFunding',
          actor: context.actor,
          data: { contractId, milestoneId, paymentMethod: employer.paymentMethod, plan: planOnFile(employer) },
        };
      },
      { ...context, causationId: context.correlationId },
    );
  }
}

/** Approval fixes the platform fee from configuration into the event, so replays never re-price. */
export class ApproveMilestone {
  constructor(
    readonly contractId: string,
    readonly milestoneId: string,
    readonly context: RequestContext,
  ) {}
}

@CommandHandler(ApproveMilestone)
export class ApproveMilestoneHandler implements ICommandHandler<ApproveMilestone> {
  constructor(
    private readonly commands: CommandHandling,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ contractId, milestoneId, context }: ApproveMilestone) {
    return this.commands.contract(
      contractId,
      { type: 'Approve', actor: context.actor, data: { contractId, milestoneId, feeBps: this.config.platformFeeBps } },
      { ...context, causationId: context.correlationId },
    );
  }
}

/** Support's decision on a disputed milestone; the fee on the released part comes from configuration. */
export class ResolveMilestoneDispute {
  constructor(
    readonly contractId: string,
    readonly milestoneId: string,
    readonly resolution: 'release' | 'refund' | 'split',
    readonly trainerAmountCents: number | null,
    readonly note: string,
    readonly context: RequestContext,
  ) {}
}

@CommandHandler(ResolveMilestoneDispute)
export class ResolveMilestoneDisputeHandler implements ICommandHandler<ResolveMilestoneDispute> {
  constructor(
    private readonly commands: CommandHandling,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  execute({ contractId, milestoneId, resolution, trainerAmountCents, note, context }: ResolveMilestoneDispute) {
    return this.commands.contract(
      contractId,
      {
        type: 'ResolveDispute',
        actor: context.actor,
        data: { contractId, milestoneId, resolution, trainerAmountCents, note, feeBps: this.config.platformFeeBps },
      },
      { ...context, causationId: context.correlationId },
    );
  }
}
