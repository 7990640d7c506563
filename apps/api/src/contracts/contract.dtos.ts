import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import {
  IsCalendarDate,
  IsMoneyAmount,
  descriptionLengthMax,
  externalIdPattern,
  nameLengthMax,
  reasonLengthMax,
} from '../http/validators';

export class MilestoneDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(nameLengthMax)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(descriptionLengthMax)
  description?: string;

  @IsDefined()
  @IsMoneyAmount()
  amount!: string;

  @IsOptional()
  @IsCalendarDate()
  dueDate?: string;
}

export class HireTrainerDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(nameLengthMax)
  projectName!: string;

  @IsString()
  @Matches(externalIdPattern, { message: 'trainerId must be 1 to 64 letters, digits, _ or -' })
  trainerId!: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => MilestoneDto)
  firstMilestone!: MilestoneDto;
}

export class RequestApprovalDto {
  @IsOptional()
  @IsString()
  @MaxLength(reasonLengthMax)
  note?: string;
}

export class DisputeDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(reasonLengthMax)
  reason!: string;
}

export class CancelDto {
  @IsOptional()
  @IsString()
  @MaxLength(reasonLengthMax)
  reason?: string;
}

/** Commands that take no input still refuse unknown fields. */
export class EmptyDto {}
