// Tests never reach AWS: no profile, fake static credentials, a fixed region. Sandbox tests
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// pass the sandbox's own credentials and endpoints explicitly.
delete process.env.AWS_PROFILE;
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIATESTONLY00000000';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-only-secret';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
