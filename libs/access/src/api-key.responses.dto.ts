import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from './roles';

/** A key as listed: never its secret. */
export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid', example: '3c9e1f7a-2b4d-4e6f-8a1c-5d7e9f0b2a4c' })
  id!: string;

  @ApiProperty({ example: 'fact-check desk' })
  name!: string;

  @ApiProperty({ enum: [...ROLES], isArray: true, example: ['fact_checker'] })
  roles!: string[];

  @ApiProperty({ format: 'date-time', example: '2026-12-02T04:11:32.693Z' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  revokedAt!: string | null;
}

export class ApiKeyPageResponse {
  @ApiProperty({ type: [ApiKeyResponse] })
  items!: ApiKeyResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

/** A new key, with its secret: shown this once, only its hash is stored. */
export class CreatedApiKeyResponse {
  @ApiProperty({ format: 'uuid', example: '3c9e1f7a-2b4d-4e6f-8a1c-5d7e9f0b2a4c' })
  id!: string;

  @ApiProperty({ example: 'fact-check desk' })
  name!: string;

  @ApiProperty({ enum: [...ROLES], isArray: true, example: ['fact_checker'] })
  roles!: string[];

  @ApiProperty({ example: 'nfk_w6qc6qvFKYZahuoVHLlBKpI8sNO8Yi7ot5UM9Pv7Lq0', description: 'The secret: send it as Authorization: Bearer <key>.' })
  key!: string;
}
