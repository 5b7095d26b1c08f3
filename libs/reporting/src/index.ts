export * from './csv';
export * from './reporting.module';
export * from './reports.service';
export * from './reports.responses.dto';
