/*
 * Cross-check of Grunnmur's ASiC-E module against the Java platform Difi's asic library is built
 * on: java.util.zip.ZipInputStream (what Difi's AsicInputStream extends) and the JDK's XML
 * Digital Signature API (javax.xml.crypto.dsig, the "DOM"/"XMLDSig" provider Difi's
 * XadesAsicManifest signs with). Run by asice.test.ts with the JDK's single-file launcher:
 *
 *   java AsicInterop.java verify <container.asice>
 *     Reads the container with ZipInputStream and validates META-INF/signatures.xml with
 *     javax.xml.crypto.dsig, zip entries served by a URIDereferencer. Prints one line per entry
 *     ("entry <name> <STORED|DEFLATED>"), one per reference ("reference <uri> <true|false>"),
 *     and "valid <true|false>".
 *
 *   java AsicInterop.java create <out.asice> <cert.pem> <key.pem> <name> <mimeType> <file> [...]
 *     Writes a container the way Difi's library does (mimetype stored with its CRC in the local
 *     header, data files deflated, META-INF/signatures.xml, then META-INF/manifest.xml), signed
 *     like XadesAsicManifest: inclusive C14N, RSA-SHA256, file references "ID_n" with
 *     URLEncoder-encoded URIs, SignedProperties with a SHA-1 CertDigest, referenced with a C14N
 *     transform and dereferenced the way Difi's signedPropertiesURIDereferencer does.
 *
 * Test tooling only: not part of the service.
 */
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.xml.crypto.AlgorithmMethod;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.KeySelectorException;
import javax.xml.crypto.KeySelectorResult;
import javax.xml.crypto.NodeSetData;
import javax.xml.crypto.OctetStreamData;
import javax.xml.crypto.URIDereferencer;
import javax.xml.crypto.XMLCryptoContext;
import javax.xml.crypto.XMLStructure;
import javax.xml.crypto.dom.DOMStructure;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.XMLObject;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.keyinfo.X509Data;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

public class AsicInterop {
    static final String ASIC_NS = "http://uri.etsi.org/02918/v1.2.1#";
    static final String XADES_NS = "http://uri.etsi.org/01903/v1.3.2#";
    static final String MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0";
    static final String MIMETYPE = "application/vnd.etsi.asic-e+zip";

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("verify")) verify(Files.readAllBytes(Path.of(args[1])));
        else if (args.length >= 7 && args[0].equals("create")) create(args);
        else throw new IllegalArgumentException("usage: verify <file> | create <out> <cert.pem> <key.pem> (<name> <mimeType> <file>)+");
    }

    static DocumentBuilderFactory documentBuilderFactory() {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        return dbf;
    }

    static void verify(byte[] container) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(container))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                System.out.println("entry " + entry.getName() + " " + (entry.getMethod() == ZipEntry.STORED ? "STORED" : "DEFLATED"));
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        System.out.println("mimetype " + new String(entries.get("mimetype"), StandardCharsets.US_ASCII));
        Document doc = documentBuilderFactory().newDocumentBuilder().parse(new ByteArrayInputStream(entries.get("META-INF/signatures.xml")));
        NodeList properties = doc.getElementsByTagNameNS(XADES_NS, "SignedProperties");
        for (int i = 0; i < properties.getLength(); i++) ((Element) properties.item(i)).setIdAttributeNS(null, "Id", true);
        Node signatureNode = doc.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature").item(0);
        XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
        DOMValidateContext context = new DOMValidateContext(new KeyInfoKeySelector(), signatureNode);
        URIDereferencer standard = factory.getURIDereferencer();
        context.setURIDereferencer((uriReference, ctx) -> {
            String uri = uriReference.getURI();
            if (uri.startsWith("#")) return standard.dereference(uriReference, ctx);
            byte[] data = entries.get(URLDecoder.decode(uri, StandardCharsets.UTF_8));
            if (data == null) throw new javax.xml.crypto.URIReferenceException("no entry " + uri);
            return new OctetStreamData(new ByteArrayInputStream(data), uri, null);
        });
        XMLSignature signature = factory.unmarshalXMLSignature(context);
        boolean valid = signature.validate(context);
        for (Object o : signature.getSignedInfo().getReferences()) {
            Reference reference = (Reference) o;
            System.out.println("reference " + reference.getURI() + " " + reference.validate(context));
        }
        System.out.println("signature-value " + signature.getSignatureValue().validate(context));
        System.out.println("valid " + valid);
    }

    static class KeyInfoKeySelector extends KeySelector {
        public KeySelectorResult select(KeyInfo keyInfo, Purpose purpose, AlgorithmMethod method, XMLCryptoContext context) throws KeySelectorException {
            for (Object content : keyInfo.getContent()) {
                if (!(content instanceof X509Data)) continue;
                for (Object item : ((X509Data) content).getContent()) {
                    if (item instanceof X509Certificate) {
                        Key key = ((X509Certificate) item).getPublicKey();
                        return () -> key;
                    }
                }
            }
            throw new KeySelectorException("no certificate in KeyInfo");
        }
    }

    static X509Certificate certificate(Path pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(pem));
    }

    static PrivateKey privateKey(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    static void create(String[] args) throws Exception {
        X509Certificate cert = certificate(Path.of(args[2]));
        PrivateKey key = privateKey(Path.of(args[3]));
        List<String[]> files = new ArrayList<>();
        for (int i = 4; i + 2 <= args.length - 1; i += 3) files.add(new String[] { args[i], args[i + 1], args[i + 2] });

        XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM", "XMLDSig");
        DigestMethod sha256 = factory.newDigestMethod(DigestMethod.SHA256, null);
        CanonicalizationMethod c14n = factory.newCanonicalizationMethod(CanonicalizationMethod.INCLUSIVE, (C14NMethodParameterSpec) null);
        List<Reference> references = new ArrayList<>();
        Document props = documentBuilderFactory().newDocumentBuilder().newDocument();
        Element qualifying = props.createElementNS(XADES_NS, "ns3:QualifyingProperties");
        qualifying.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:ns3", XADES_NS);
        qualifying.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:ns2", XMLSignature.XMLNS);
        qualifying.setAttribute("Target", "#Signature");
        props.appendChild(qualifying);
        Element signedProperties = child(props, qualifying, XADES_NS, "ns3:SignedProperties", null);
        signedProperties.setAttribute("Id", "SignedProperties");
        signedProperties.setIdAttribute("Id", true);
        Element signatureProperties = child(props, signedProperties, XADES_NS, "ns3:SignedSignatureProperties", null);
        child(props, signatureProperties, XADES_NS, "ns3:SigningTime", OffsetDateTime.now().toString());
        Element certId = child(props, child(props, signatureProperties, XADES_NS, "ns3:SigningCertificate", null), XADES_NS, "ns3:Cert", null);
        Element certDigest = child(props, certId, XADES_NS, "ns3:CertDigest", null);
        child(props, certDigest, XMLSignature.XMLNS, "ns2:DigestMethod", null).setAttribute("Algorithm", DigestMethod.SHA1);
        child(props, certDigest, XMLSignature.XMLNS, "ns2:DigestValue", Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(cert.getEncoded())));
        Element issuerSerial = child(props, certId, XADES_NS, "ns3:IssuerSerial", null);
        child(props, issuerSerial, XMLSignature.XMLNS, "ns2:X509IssuerName", cert.getIssuerX500Principal().getName());
        child(props, issuerSerial, XMLSignature.XMLNS, "ns2:X509SerialNumber", cert.getSerialNumber().toString());
        Element dataObjects = child(props, signedProperties, XADES_NS, "ns3:SignedDataObjectProperties", null);

        Map<String, byte[]> contents = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            String[] file = files.get(i);
            byte[] data = Files.readAllBytes(Path.of(file[2]));
            contents.put(file[0], data);
            String id = "ID_" + i;
            references.add(factory.newReference(URLEncoder.encode(file[0], StandardCharsets.UTF_8), sha256, null, null, id, MessageDigest.getInstance("SHA-256").digest(data)));
            Element format = child(props, dataObjects, XADES_NS, "ns3:DataObjectFormat", null);
            format.setAttribute("ObjectReference", "#" + id);
            child(props, format, XADES_NS, "ns3:MimeType", file[1]);
        }
        references.add(factory.newReference("#SignedProperties", sha256,
                Collections.singletonList(factory.newTransform(CanonicalizationMethod.INCLUSIVE, (TransformParameterSpec) null)),
                "http://uri.etsi.org/01903#SignedProperties", null));
        KeyInfoFactory keyInfoFactory = factory.getKeyInfoFactory();
        KeyInfo keyInfo = keyInfoFactory.newKeyInfo(Collections.singletonList(keyInfoFactory.newX509Data(Collections.singletonList(cert))));
        SignedInfo signedInfo = factory.newSignedInfo(c14n, factory.newSignatureMethod("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", null), references);
        XMLObject object = factory.newXMLObject(Collections.singletonList(new DOMStructure(qualifying)), null, null, null);
        XMLSignature signature = factory.newXMLSignature(signedInfo, keyInfo, Collections.singletonList(object), "Signature", null);

        Document signed = documentBuilderFactory().newDocumentBuilder().newDocument();
        Element root = (Element) signed.appendChild(signed.createElementNS(ASIC_NS, "XAdESSignatures"));
        DOMSignContext signContext = new DOMSignContext(key, root);
        URIDereferencer standard = factory.getURIDereferencer();
        signContext.setURIDereferencer((uriReference, ctx) -> {
            if ("#SignedProperties".equals(uriReference.getURI())) {
                // As Difi's XadesAsicManifest.signedPropertiesURIDereferencer (DomUtils.allNodesBelow).
                try {
                    NodeList list = (NodeList) XPathFactory.newInstance().newXPath().evaluate(". | .//node() | .//@*", signedProperties, XPathConstants.NODESET);
                    Set<Node> nodes = new LinkedHashSet<>();
                    for (int i = 0; i < list.getLength(); i++) nodes.add(list.item(i));
                    return (NodeSetData) nodes::iterator;
                } catch (Exception e) {
                    throw new javax.xml.crypto.URIReferenceException(e);
                }
            }
            return standard.dereference(uriReference, ctx);
        });
        signature.sign(signContext);
        ByteArrayOutputStream signaturesXml = new ByteArrayOutputStream();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(signed), new StreamResult(signaturesXml));

        StringBuilder manifest = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<manifest:manifest xmlns:manifest=\"" + MANIFEST_NS + "\">");
        manifest.append("<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" + MIMETYPE + "\"/>");
        for (String[] file : files) manifest.append("<manifest:file-entry manifest:full-path=\"" + file[0] + "\" manifest:media-type=\"" + file[1] + "\"/>");
        manifest.append("</manifest:manifest>");

        try (ZipOutputStream zip = new ZipOutputStream(new FileOutputStream(args[1]))) {
            byte[] mimetype = MIMETYPE.getBytes(StandardCharsets.US_ASCII);
            ZipEntry entry = new ZipEntry("mimetype");
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(mimetype.length);
            CRC32 crc = new CRC32();
            crc.update(mimetype);
            entry.setCrc(crc.getValue());
            zip.putNextEntry(entry);
            zip.write(mimetype);
            zip.closeEntry();
            for (Map.Entry<String, byte[]> file : contents.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("META-INF/signatures.xml"));
            zip.write(signaturesXml.toByteArray());
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("META-INF/manifest.xml"));
            zip.write(manifest.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        System.out.println("created " + args[1]);
    }

    static Element child(Document doc, Element parent, String ns, String qname, String text) {
        Element element = doc.createElementNS(ns, qname);
        if (text != null) element.setTextContent(text);
        parent.appendChild(element);
        return element;
    }

}
