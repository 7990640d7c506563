export * from './contract-replay';
export * from './case-file';
export { renderCaseFilePdf, type CaseFilePdfOptions } from './case-file.pdf';
