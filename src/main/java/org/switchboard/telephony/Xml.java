package org.switchboard.telephony;

import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A TwiML or Plivo XML reply: a {@code <Response>} document written by the JDK's own StAX writer (not whichever one the class path offers, so the bytes stay the same), which escapes every
 * attribute value and text, so no value is pasted into markup by hand. The writer escapes {@code & < >} (and
 * {@code "} in attributes); an apostrophe or a quote in text stays literal, which a carrier's parser reads the same.
 * Elements left open are closed by {@link #build}.
 */
final class Xml {
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newDefaultFactory();

    private final StringWriter out = new StringWriter();
    private final XMLStreamWriter writer;

    private Xml() {
        try {
            writer = FACTORY.createXMLStreamWriter(out);
            writer.writeStartDocument("UTF-8", "1.0");
            writer.writeStartElement("Response");
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A reply document with an open {@code <Response>}. */
    static Xml response() {
        return new Xml();
    }

    /** {@code <?xml ...?><Response></Response>}: nothing to do. */
    static String empty() {
        return response().build();
    }

    /** {@code <Response><Hangup/></Response>}. */
    static String hangup() {
        return response().element("Hangup").build();
    }

    /** Opens {@code name} with the attributes given as name, value pairs, in that order. */
    Xml open(String name, String... attributes) {
        try {
            writer.writeStartElement(name);
            attributes(attributes);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** An element without content ({@code <Hangup/>}), with the attributes given as name, value pairs. */
    Xml element(String name, String... attributes) {
        try {
            writer.writeEmptyElement(name);
            attributes(attributes);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** An element holding {@code text}, with the attributes given as name, value pairs. */
    Xml text(String name, String text, String... attributes) {
        try {
            writer.writeStartElement(name);
            attributes(attributes);
            writer.writeCharacters(text);
            writer.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    private void attributes(String... attributes) throws XMLStreamException {
        for (int i = 0; i < attributes.length; i += 2) {
            writer.writeAttribute(attributes[i], attributes[i + 1]);
        }
    }

    /** The document, with every element still open closed; the builder is spent after this. */
    String build() {
        try {
            writer.writeEndDocument();
            writer.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }
}
