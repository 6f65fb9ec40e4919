import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, MaxLength, Min, Max, IsNotEmpty } from 'class-validator';
import { CATEGORIES } from '../../../domain/hardware/category.js';
import { CONDITIONS, STATUSES } from '../../../domain/hardware/hand-maintained.js';
import { MDM_SOURCES } from '../../../domain/hardware/mdm-source.js';
import { OUTCOME_KINDS, type OutcomeKind } from '../../../domain/import-run/outcome.js';
import { REGISTER_SORTS } from '../../../application/ports/read-models.js';
import { startedBetween } from '../../../application/queries/started-between.js';
import { DomainError } from '../../../domain/shared/domain-error.js';
import { BadRequest } from './problem.js';

/** Request bodies and queries, checked at the edge; they never travel past the controllers. */

export class IntuneSettingsDto {
  @IsBoolean() enabled!: boolean;
  @IsString() @MaxLength(100) tenantId!: string;
  @IsString() @MaxLength(100) clientId!: string;
  @IsOptional() @IsString() @MaxLength(1000) clientSecret?: string;
  @IsOptional() @IsString() @MaxLength(200) authorityHost?: string | null;
  @IsOptional() @IsString() @MaxLength(200) graphBaseUrl?: string | null;
}

export class JamfSettingsDto {
  @IsBoolean() enabled!: boolean;
  @IsString() @MaxLength(300) tenantUrl!: string;
  @IsString() @MaxLength(100) clientId!: string;
  @IsOptional() @IsString() @MaxLength(1000) clientSecret?: string;
}

/** The fields people maintain by hand, shared by registration and edits. */
class HandMaintainedDto {
  @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @IsOptional() @IsIn(CONDITIONS) condition?: (typeof CONDITIONS)[number];
  @IsOptional() @IsString() @MaxLength(200) cpu?: string | null;
  @IsOptional() @IsString() @MaxLength(200) ram?: string | null;
  @IsOptional() @IsString() @MaxLength(200) storage?: string | null;
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'purchasePrice must be a number such as 1299.99, written without quotes, or null to clear it' })
  @Min(0)
  purchasePrice?: number | null;
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'purchaseDate must be a date as YYYY-MM-DD' }) purchaseDate?: string | null;
}

export class RegisterHardwareDto extends HandMaintainedDto {
  @IsString() @IsNotEmpty() @MaxLength(64) serial!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @IsIn(CATEGORIES) category!: (typeof CATEGORIES)[number];
  @IsOptional() @IsString() @MaxLength(200) manufacturer?: string | null;
  @IsOptional() @IsString() @MaxLength(200) model?: string | null;
  @IsOptional() @IsString() @MaxLength(100) operatingSystem?: string | null;
  @IsOptional() @IsString() @MaxLength(100) osVersion?: string | null;
  @IsOptional() @IsString() @MaxLength(40) macAddress?: string | null;
}

/** Only the hand-maintained fields can be edited; identity fields belong to the MDM. */
export class EditHardwareDto extends HandMaintainedDto {
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  @IsOptional() @IsIn(CATEGORIES) category?: (typeof CATEGORIES)[number];
}

export class SourcePrecedenceDto {
  @IsIn(MDM_SOURCES) apple!: (typeof MDM_SOURCES)[number];
  @IsIn(MDM_SOURCES) other!: (typeof MDM_SOURCES)[number];
}

export class ScheduleDto {
  @IsIn(['off', 'every', 'daily']) kind!: 'off' | 'every' | 'daily';
  @IsOptional() @IsInt() hours?: number;
  @IsOptional() @IsString() @MaxLength(5) at?: string;
  @IsOptional() @IsString() @MaxLength(100) timeZone?: string;
}

export class RunsQueryDto {
  @IsOptional() @IsIn(MDM_SOURCES) source?: (typeof MDM_SOURCES)[number];
  /** Read by `startedBetween`, which says what it accepts. */
  @IsOptional() @IsString() @MaxLength(100) from?: string;
  @IsOptional() @IsString() @MaxLength(100) to?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
}

/** A runs query with its start-time window as the instants runs record; a bound that names none is the query's fault (400). */
export function runsFilter(query: RunsQueryDto): RunsQueryDto {
  try {
    return { ...query, ...startedBetween(query.from, query.to) };
  } catch (error) {
    if (!(error instanceof DomainError) || !error.field) throw error;
    throw new BadRequest(error.reason, [{ field: error.field, message: error.reason }], 400, error.fix);
  }
}

const KIND = `(?:${OUTCOME_KINDS.join('|')})`;

/** One run's detail: `outcome` is a comma-separated list of the kinds of device outcome to include. */
export class RunDetailQueryDto {
  @IsOptional()
  @Matches(new RegExp(`^${KIND}(?:,${KIND})*$`), { message: `outcome must be one or more of ${OUTCOME_KINDS.join(', ')}, separated by commas (such as outcome=skipped,error)` })
  outcome?: string;
}

/** The kinds a checked `outcome` list names, once each; undefined when none was asked for. */
export function outcomeKinds(list: string | undefined): OutcomeKind[] | undefined {
  return list === undefined ? undefined : [...new Set(list.split(',') as OutcomeKind[])];
}

/** An exact filter given blank is a slip (an empty form field, an unset variable): said, not answered with no records. */
const NotBlank = (field: string, what: string) => Matches(/\S/, { message: `${field} is blank: give ${what}, or leave the filter out to list every record` });

export class HardwareQueryDto {
  @IsOptional() @IsString() @MaxLength(64) @NotBlank('serial', 'the serial') serial?: string;
  @IsOptional() @IsString() @MaxLength(64) @NotBlank('assetTag', 'the asset tag') assetTag?: string;
  @IsOptional() @IsString() @MaxLength(320) @NotBlank('assignee', "the assignee's email") assignee?: string;
  @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @IsOptional() @IsIn(CATEGORIES) category?: (typeof CATEGORIES)[number];
  @IsOptional() @IsIn(MDM_SOURCES) source?: (typeof MDM_SOURCES)[number];
  @IsOptional() @IsIn(MDM_SOURCES) missingFrom?: (typeof MDM_SOURCES)[number];
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000_000) offset?: number;
  @IsOptional() @IsString() @MaxLength(1000) after?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsIn(REGISTER_SORTS) sort?: (typeof REGISTER_SORTS)[number];
  @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
}

export class LookupQueryDto {
  @IsIn(MDM_SOURCES) source!: (typeof MDM_SOURCES)[number];
  @IsString() @IsNotEmpty() @MaxLength(64) serial!: string;
}
