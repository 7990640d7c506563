export * from './invoice';
export * from './invoice-numbering';
export * from './invoices.evolve';
export * from './invoices.schema';
export * from './invoices.projection';
export * from './invoices.query';
export * from './invoice.response';
export * from './invoice.csv';
export { renderInvoicePdf, platformNameDefault, type InvoicePdfOptions } from './pdf/invoice.pdf';
