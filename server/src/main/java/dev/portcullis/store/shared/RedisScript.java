package dev.portcullis.store.shared;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * A Lua script that answers yes or no, run atomically by Redis. It is sent by digest
 * ({@code EVALSHA}) so the hot path carries forty bytes instead of the script, and sent whole once
 * when Redis does not know it yet (first use, or after a restart or {@code SCRIPT FLUSH}).
 */
record RedisScript(String source) {

    /** {@code SET key ARGV[2] PX ARGV[3]} only if the key holds {@code ARGV[1]}. */
    static final RedisScript COMPARE_AND_SET = new RedisScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0
            """);

    /** {@code DEL key} only if the key holds {@code ARGV[1]}. */
    static final RedisScript COMPARE_AND_DELETE = new RedisScript("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """);

    boolean run(RedisCommands<String, String> commands, String key, String... args) {
        String[] keys = {key};
        try {
            return commands.evalsha(commands.digest(source), ScriptOutputType.BOOLEAN, keys, args);
        } catch (RedisNoScriptException e) {
            return commands.eval(source, ScriptOutputType.BOOLEAN, keys, args);
        }
    }
}
