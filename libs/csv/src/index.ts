export { csvField, csvLine, csvUserText } from './csv';
