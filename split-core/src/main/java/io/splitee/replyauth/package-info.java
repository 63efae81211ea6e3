/**
 * Reply authentication: the key a fleet's gateways and devices share ({@code offload.reply-key-file}) and the
 * HMAC-SHA256 tag a gateway puts on each reply and a device checks (docs/protocol.md, "Reply tag").
 */
package io.splitee.replyauth;
