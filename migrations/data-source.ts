import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../libs/access/src/api-key.entity';
import { dataSourceOptions } from '../libs/platform/src/database/data-source-options';
import { migrations } from './index';

/** Every TypeORM entity of the service: the read models. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: Function[] = [ApiKeyEntity];

/**
 * The data source of the migration scripts (npm run migration:*). The app builds
 * the same one from the same lists; it needs DATABASE_URL.
 */
export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/newsroom', entities, migrations),
);
