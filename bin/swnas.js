#!/usr/bin/env node
// Entry point of the `swnas` command; the compiled client does the work.
// The pinned AWS SDK supports Node 20; its notice about future releases is not for users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('../dist/client/main.js');
