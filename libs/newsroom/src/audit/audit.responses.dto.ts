import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { KEY_NAME } from '../http/responses.dto';

/** The shapes of the audit routes, for the OpenAPI document; the services return plain objects of these shapes. */

const HASH = 'c0535e4be2b79ffd93291305436bf889314e4a3faec05ecffcbb7df31ad9e51a';

export class AuditActorResponse {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The id of the API key that wrote the event.' })
  keyId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'demo editor',
    description: `${KEY_NAME} null without a key id.`,
  })
  keyName!: string | null;

  @ApiProperty({ type: [String], example: ['editor'] })
  roles!: string[];
}

export class AuditEventResponse {
  @ApiProperty({ example: 12, description: 'The global position in the log.' })
  position!: number;

  @ApiProperty({ example: 3, description: 'The version in the deal’s stream.' })
  version!: number;

  @ApiProperty({ example: 'ClaimRecorded' })
  type!: string;

  @ApiProperty({ example: 1 })
  schemaVersion!: number;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event as stored.' })
  data!: Record<string, unknown>;

  @ApiProperty({ type: AuditActorResponse })
  actor!: AuditActorResponse;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Actor, correlation id, idempotency key.' })
  metadata!: Record<string, unknown>;

  @ApiProperty({ example: '2026-12-02T04:11:32.693Z' })
  recordedAt!: string;

  @ApiProperty({ example: HASH, description: 'SHA-256 of the previous event’s hash and this event as canonical JSON.' })
  hash!: string;
}

export class AuditEventPageResponse {
  @ApiProperty({ type: [AuditEventResponse] })
  items!: AuditEventResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class CheckpointResponse {
  @ApiProperty({ example: 7 })
  id!: number;

  @ApiProperty({ example: 36, description: 'Events covered.' })
  treeSize!: number;

  @ApiProperty({ example: HASH, description: 'The Merkle root (RFC 9162) over the events’ hashes.' })
  rootHash!: string;

  @ApiProperty({ example: 36 })
  lastPosition!: number;

  @ApiProperty({ example: '2026-12-02T04:11:32.693Z' })
  createdAt!: string;

  @ApiProperty({ example: '6a0e8a2067f50154' })
  keyId!: string;

  @ApiProperty({ description: 'Ed25519 signature, base64.' })
  signature!: string;
}

export class CheckpointPageResponse {
  @ApiProperty({ type: [CheckpointResponse] })
  items!: CheckpointResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class CheckpointKeyResponse {
  @ApiProperty({ example: '6a0e8a2067f50154' })
  keyId!: string;

  @ApiProperty({ description: 'The Ed25519 public key, PEM.' })
  publicKey!: string;
}

export class EventProofResponse {
  @ApiProperty() position!: number;
  @ApiProperty() streamId!: string;
  @ApiProperty() version!: number;

  @ApiProperty({ description: 'The text the event’s hash is the SHA-256 of.' })
  canonical!: string;

  @ApiProperty() eventHash!: string;
  @ApiProperty() leafIndex!: number;
  @ApiProperty() treeSize!: number;

  @ApiProperty({ type: [String], description: 'Node hashes from the leaf’s sibling up (RFC 9162 2.1.3).' })
  auditPath!: string[];

  @ApiProperty({ type: CheckpointResponse })
  checkpoint!: CheckpointResponse;
}

export class AuditFindingResponse {
  @ApiPropertyOptional() streamId?: string;
  @ApiPropertyOptional() position?: number;
  @ApiPropertyOptional() version?: number;
  @ApiPropertyOptional() checkpointId?: number;

  @ApiProperty({ example: 'hash-mismatch' })
  reason!: string;

  @ApiPropertyOptional()
  detail?: string;
}

export class DealDriftResponse {
  @ApiProperty({ format: 'uuid' })
  dealId!: string;

  @ApiProperty({ type: [String], example: ['status'] })
  fields!: string[];
}

export class AuditReportResponse {
  @ApiProperty({ example: true })
  ok!: boolean;

  @ApiProperty({ example: 36, description: 'Events whose hash was recomputed.' })
  checked!: number;

  @ApiProperty({ example: 5 })
  streams!: number;

  @ApiProperty({ type: CheckpointResponse, nullable: true, description: 'The newest checkpoint with a valid signature.' })
  checkpoint!: CheckpointResponse | null;

  @ApiProperty({ type: [AuditFindingResponse] })
  broken!: AuditFindingResponse[];

  @ApiProperty({ type: [DealDriftResponse] })
  drift!: DealDriftResponse[];
}
