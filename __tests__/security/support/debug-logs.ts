/** Turns handler logging up to DEBUG for the log-content suite (read by handler-env.ts). */
process.env.SECURITY_TEST_LOG_LEVEL = 'DEBUG';

export {};
