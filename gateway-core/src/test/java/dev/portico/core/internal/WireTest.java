package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON shapes keep API.md's field names and order, and leave out absent fields. */
class WireTest {
    @Test
    void fieldsKeepTheirDocumentedNamesAndOrder() {
        assertEquals("{\"status\":\"ok\",\"ok\":true,\"reply\":\"r\",\"session\":\"main\",\"run_id\":\"1\"}",
                JsonCodec.write(new Wire.AgentReply("ok", true, "r", "main", "1", null)));
        assertEquals("{\"status\":\"started\",\"run_id\":\"1\",\"session\":\"main\"}",
                JsonCodec.write(new Wire.RunStatus("started", "1", "main")));
        assertEquals("{\"run_id\":\"1\",\"delta\":\"d\"}", JsonCodec.write(new Wire.RunToken("1", "d")));
        assertEquals("{\"run_id\":\"1\",\"reply\":\"r\",\"session\":\"s\",\"model\":\"openai/gpt-4o\"}", JsonCodec.write(new Wire.RunResult("1", "r", "s", "openai/gpt-4o")));
        assertEquals("{\"ok\":false,\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"m\"}}",
                JsonCodec.write(new Wire.ErrorEnvelope(false, new Wire.ErrorBody("NOT_FOUND", "m"))));
        assertEquals("{\"ok\":true,\"session\":\"s\",\"messages\":[{\"role\":\"user\",\"content\":\"c\",\"timestamp\":\"t\"}]}",
                JsonCodec.write(new Wire.History(true, "s", List.of(new Wire.HistoryMessage("user", "c", "t")))));
    }

    @Test
    void absentFieldsAreLeftOut() {
        assertEquals("{\"ok\":false,\"type\":\"chat_error\",\"error\":\"e\"}",
                JsonCodec.write(new Wire.ChatError(false, "chat_error", "e", null)));
    }

    @Test
    void textIsEscapedNotMangled() {
        assertEquals("{\"run_id\":\"1\",\"delta\":\"\\\"q\\\" \\n 🌍 你好\"}",
                JsonCodec.write(new Wire.RunToken("1", "\"q\" \n 🌍 你好")));
    }
}
