/** The raw log with its chain hashes (`AuditLog`), provided by AuditModule. */
export const AUDIT_LOG = Symbol('AUDIT_LOG');
