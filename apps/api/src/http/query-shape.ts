import type { NextFunction, Request, Response } from 'express';
import { sendError } from './domain-errors.filter';
import { anyTextProblem } from './text-rules';

/**
 * Every query parameter is one text value: a repeated one (`?prefix=a&prefix=b`) is refused by
 * name rather than picked from, and values follow the text rules, before any route reads them.
 */
export function queryShape(request: Request, response: Response, next: NextFunction): void {
  const problem = queryProblem(request.query as Record<string, unknown>);
  if (problem) sendError(response, 400, problem);
  else next();
}

export function queryProblem(query: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(query)) {
    const shown = JSON.stringify(name).slice(1, -1);
    if (anyTextProblem(name)) return `${shown}: the parameter name ${anyTextProblem(name)}`;
    if (Array.isArray(value)) return `${shown}: given ${value.length} times; give it once`;
    if (typeof value !== 'string') return `${shown}: must be a single value`;
    const text = anyTextProblem(value);
    if (text) return `${shown}: ${text}`;
  }
  return null;
}
