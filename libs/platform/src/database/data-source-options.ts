import { DataSourceOptions } from 'typeorm';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ClassList = Function[];

/** The one shape of data source the app, the CLI, the tests and the migration scripts share. */
export function dataSourceOptions(url: string, entities: ClassList, migrations: ClassList, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: poolSize, application_name: 'newsroom-facts' },
  };
}
