package org.switchboard.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.switchboard.call.Instruction;

/**
 * The exact TwiML and Plivo XML each instruction becomes, byte for byte: declaration, attribute order and escaping,
 * as the replies were written when they were built by hand.
 */
class CarrierXmlTest {
    private static final String PROLOGUE = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    private static final String BASE = "https://sb.example/a&b";
    private static final Map<String, String> HEADERS =
            Map.of("X-PH-RetreaverUUID", "3f2c-11aa", "X-PH-RetreaverKey", "k<&>\"y");

    static Stream<Arguments> instructions() {
        return Stream.of(
                Arguments.of(
                        "dial number",
                        new Instruction.Dial("u-1", 2, 7, "+13125550100", false, 30, HEADERS),
                        PROLOGUE
                                + "<Response><Dial action=\"https://sb.example/a&amp;b/twilio/dial?call=u-1&amp;attempt=2\" method=\"POST\" timeout=\"30\" answerOnBridge=\"true\"><Number url=\"https://sb.example/a&amp;b/twilio/answered?call=u-1&amp;attempt=2\" method=\"POST\">+13125550100</Number></Dial></Response>",
                        PROLOGUE
                                + "<Response><Dial action=\"https://sb.example/a&amp;b/plivo/dial?call=u-1&amp;attempt=2\" method=\"POST\" timeout=\"30\" callbackUrl=\"https://sb.example/a&amp;b/plivo/dial-events?call=u-1&amp;attempt=2\" callbackMethod=\"POST\" redirect=\"true\"><Number>13125550100</Number></Dial></Response>"),
                Arguments.of(
                        "dial sip",
                        new Instruction.Dial("u-1", 1, 7, "sip:buyer@sip.example;a=<b>&c", true, 25, HEADERS),
                        PROLOGUE
                                + "<Response><Dial action=\"https://sb.example/a&amp;b/twilio/dial?call=u-1&amp;attempt=1\" method=\"POST\" timeout=\"25\" answerOnBridge=\"true\"><Sip url=\"https://sb.example/a&amp;b/twilio/answered?call=u-1&amp;attempt=1\" method=\"POST\">sip:buyer@sip.example;a=&lt;b&gt;&amp;c?X-PH-RetreaverKey=k%3C%26%3E%22y&amp;X-PH-RetreaverUUID=3f2c-11aa</Sip></Dial></Response>",
                        PROLOGUE
                                + "<Response><Dial action=\"https://sb.example/a&amp;b/plivo/dial?call=u-1&amp;attempt=1\" method=\"POST\" timeout=\"25\" callbackUrl=\"https://sb.example/a&amp;b/plivo/dial-events?call=u-1&amp;attempt=1\" callbackMethod=\"POST\" redirect=\"true\"><User sipHeaders=\"RetreaverKey=k%3C%26%3E%22y,RetreaverUUID=3f2c%2D11aa\">sip:buyer@sip.example;a=&lt;b&gt;&amp;c</User></Dial></Response>"),
                Arguments.of(
                        "dial sip no headers",
                        new Instruction.Dial("u-2", 1, 7, "sip:b@h?x=1", true, 5, Map.of()),
                        PROLOGUE
                                + "<Response><Dial action=\"https://sb.example/a&amp;b/twilio/dial?call=u-2&amp;attempt=1\" method=\"POST\" timeout=\"5\" answerOnBridge=\"true\"><Sip url=\"https://sb.example/a&amp;b/twilio/answered?call=u-2&amp;attempt=1\" method=\"POST\">sip:b@h?x=1</Sip></Dial></Response>",
                        PROLOGUE
                                + "<Response><Dial action=\"https://sb.example/a&amp;b/plivo/dial?call=u-2&amp;attempt=1\" method=\"POST\" timeout=\"5\" callbackUrl=\"https://sb.example/a&amp;b/plivo/dial-events?call=u-2&amp;attempt=1\" callbackMethod=\"POST\" redirect=\"true\"><User sipHeaders=\"\">sip:b@h?x=1</User></Dial></Response>"),
                Arguments.of(
                        "connect",
                        new Instruction.Connect("u-1"),
                        PROLOGUE + "<Response></Response>",
                        PROLOGUE + "<Response></Response>"),
                Arguments.of(
                        "transfer number",
                        new Instruction.Transfer("u-3", "+442071234567", false, 40),
                        PROLOGUE
                                + "<Response><Dial action=\"https://sb.example/a&amp;b/twilio/transferred?call=u-3\" method=\"POST\" timeout=\"40\"><Number>+442071234567</Number></Dial></Response>",
                        PROLOGUE
                                + "<Response><Dial action=\"https://sb.example/a&amp;b/plivo/transferred?call=u-3\" method=\"POST\" timeout=\"40\" redirect=\"true\"><Number>442071234567</Number></Dial></Response>"),
                Arguments.of(
                        "transfer sip",
                        new Instruction.Transfer("u-3", "sip:t@h.example;x=&<>", true, 40),
                        PROLOGUE
                                + "<Response><Dial action=\"https://sb.example/a&amp;b/twilio/transferred?call=u-3\" method=\"POST\" timeout=\"40\"><Sip>sip:t@h.example;x=&amp;&lt;&gt;</Sip></Dial></Response>",
                        PROLOGUE
                                + "<Response><Dial action=\"https://sb.example/a&amp;b/plivo/transferred?call=u-3\" method=\"POST\" timeout=\"40\" redirect=\"true\"><User>sip:t@h.example;x=&amp;&lt;&gt;</User></Dial></Response>"),
                Arguments.of(
                        "hangup",
                        new Instruction.Hangup("u-1", "done"),
                        PROLOGUE + "<Response><Hangup/></Response>",
                        PROLOGUE + "<Response><Hangup/></Response>"),
                Arguments.of(
                        "reject",
                        new Instruction.Reject("busy"),
                        PROLOGUE + "<Response><Reject reason=\"rejected\"/></Response>",
                        PROLOGUE + "<Response><Hangup reason=\"rejected\"/></Response>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("instructions")
    void replyShouldBeTheDocumentedXmlByteForByte(String name, Instruction instruction, String twiml, String plivo) {
        // when
        String twilioReply = new TwilioRoutes(null, "t", () -> BASE).twiml(instruction);
        String plivoReply = new PlivoRoutes(null, "t", () -> BASE).xml(instruction);

        // then
        assertThat(twilioReply).isEqualTo(twiml);
        assertThat(plivoReply).isEqualTo(plivo);
    }
}
