import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiProblem } from '@app/platform';
import { CheckpointKeyResponse, CheckpointPageResponse, CheckpointResponse, EventProofResponse } from './audit.responses.dto';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Roles } from '@app/access';
import { CheckpointError, LogCheckpoints } from '@app/event-store';
import { ProblemError } from '@app/platform';

export class CheckpointPageParams {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,14}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

export class ProofParams {
  @ApiPropertyOptional({ description: 'id of the checkpoint; the newest by default' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  checkpoint?: number;
}

const POSITION = /^[1-9]\d{0,14}$/;

/** The log's signed checkpoints and the inclusion proofs of its events (DESIGN 2.7). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class CheckpointsController {
  constructor(private readonly checkpoints: LogCheckpoints) {}

  @Post('checkpoints')
  @ApiOperation({ summary: 'Sign a checkpoint of the log now' })
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ description: 'A checkpoint signed now: { id, treeSize, rootHash, lastPosition, createdAt, keyId, signature }.', type: CheckpointResponse })
  async sign() {
    return problem(() => this.checkpoints.sign());
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'List checkpoints, newest first' })
  @ApiOkResponse({ description: '{ items, nextCursor }: checkpoints, newest first.', type: CheckpointPageResponse })
  async list(@Query() page: CheckpointPageParams) {
    return this.checkpoints.list(page.limit, page.cursor === undefined ? undefined : Number(page.cursor));
  }

  @Get('checkpoints/latest')
  @ApiOperation({ summary: 'The newest checkpoint' })
  @ApiOkResponse({ description: 'The newest checkpoint.', type: CheckpointResponse })
  @ApiProblem(404, 'No checkpoint was signed yet.')
  async latest() {
    const latest = await this.checkpoints.latest();
    if (!latest) throw new ProblemError(404, 'not-found', 'Not Found', 'no checkpoint was signed yet');
    return latest;
  }

  @Get('key')
  @ApiOperation({ summary: 'The public key checkpoints are signed with' })
  @ApiOkResponse({ description: '{ keyId, publicKey }: the PEM public key that checkpoints are signed with.', type: CheckpointKeyResponse })
  @ApiProblem(404, 'No checkpoint key is configured.')
  key() {
    const key = this.checkpoints.publicKey;
    if (!key) throw new ProblemError(404, 'not-found', 'Not Found', 'no checkpoint key is configured');
    return key;
  }

  @Get('events/:position/proof')
  @ApiOperation({ summary: 'Inclusion proof of an event in a checkpoint' })
  @ApiOkResponse({
    description:
      'The inclusion proof of the event in a checkpoint: { position, streamId, version, canonical, eventHash, leafIndex, treeSize, auditPath, checkpoint }.',
    type: EventProofResponse,
  })
  async proof(@Param('position') position: string, @Query() params: ProofParams) {
    if (!POSITION.test(position)) {
      throw new ProblemError(400, 'validation', 'Bad Request', 'position must be a positive integer', [
        { field: 'position', message: 'position must be a positive integer' },
      ]);
    }
    return problem(() => this.checkpoints.proof(Number(position), params.checkpoint));
  }
}

async function problem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    switch (error.kind) {
      case 'not_found':
      case 'not_covered':
        throw new ProblemError(404, 'not-found', 'Not Found', error.message);
      case 'log_differs':
        throw new ProblemError(409, 'log-differs-from-checkpoint', 'Conflict', error.message);
      case 'no_key':
        throw new ProblemError(409, 'no-checkpoint-key', 'Conflict', error.message);
    }
  }
}
