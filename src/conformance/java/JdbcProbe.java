import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Loads a JDBC driver from a Glue connector's jars and exercises it, for `connector test`
 * (connectorkit, src/conformance/glue.ts). Plain Java 8, no dependencies, one file.
 *
 * Input: one JSON object, read from standard input (or from the first argument, for manual use;
 * never put a password there, command lines are visible to other users):
 *
 *   {"driver": "org.sqlite.JDBC", "jars": ["/abs/a.jar"], "urls": ["jdbc:sqlite:test"],
 *    "connect": {"url": "jdbc:sqlite::memory:", "user": "...", "password": "...", "timeoutMs": 15000}}
 *
 * Output: exactly one JSON line on standard output, whatever happens:
 *
 *   {"java": "17.0.15", "load": {"ok": true, ...}, "accepts": [...], "connect": {...}}
 *
 * Errors are reported in that JSON, never as stack traces. Anything the driver prints to standard
 * output is moved to standard error so that it cannot corrupt the result line. The password is
 * never echoed: it is replaced by *** in every message, as is any password=... in a URL.
 */
public final class JdbcProbe {
    private static final int MAX_MESSAGE = 2000;
    private static String secret;

    private JdbcProbe() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        System.setOut(System.err);
        Map<String, Object> result = new LinkedHashMap<String, Object>();
        result.put("java", System.getProperty("java.version"));
        try {
            String input = args.length > 0 ? args[0] : readAll(System.in);
            Object parsed = new JsonReader(input).read();
            if (!(parsed instanceof Map)) {
                throw new IllegalArgumentException("the input is not a JSON object");
            }
            run(asMap(parsed), result);
        } catch (Throwable t) {
            result.put("error", describe(t));
        }
        out.println(toJson(result));
        out.flush();
        // Drivers may leave non-daemon threads (pools, timers); do not wait for them.
        System.exit(0);
    }

    private static void run(Map<String, Object> request, Map<String, Object> result) throws Exception {
        Map<String, Object> connect =
            request.get("connect") instanceof Map ? asMap(request.get("connect")) : null;
        if (connect != null && connect.get("password") instanceof String) {
            secret = (String) connect.get("password");
        }
        String driverName = (String) request.get("driver");
        List<URL> urls = new ArrayList<URL>();
        for (Object jar : asList(request.get("jars"))) {
            urls.add(new File((String) jar).toURI().toURL());
        }
        // The jars get their own loader above the platform (extension) loader, not the probe's own
        // class path: the driver must load from the jars alone, as it does in a Glue job.
        ClassLoader parent = ClassLoader.getSystemClassLoader().getParent();
        URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), parent);
        Thread.currentThread().setContextClassLoader(loader);

        Map<String, Object> load = new LinkedHashMap<String, Object>();
        result.put("load", load);
        Driver driver = loadDriver(driverName, loader, load);
        serviceLoaderCheck(driverName, loader, load);
        if (driver == null) {
            return;
        }

        List<Object> accepts = new ArrayList<Object>();
        result.put("accepts", accepts);
        for (Object u : asList(request.get("urls"))) {
            String url = (String) u;
            Map<String, Object> one = new LinkedHashMap<String, Object>();
            one.put("url", url);
            try {
                one.put("accepted", Boolean.valueOf(driver.acceptsURL(url)));
            } catch (Throwable t) {
                one.put("accepted", Boolean.FALSE);
                one.put("error", describe(t));
            }
            accepts.add(one);
        }

        if (connect != null) {
            result.put("connect", connect(driver, connect));
        }
    }

    private static Driver loadDriver(String name, ClassLoader loader, Map<String, Object> load) {
        load.put("ok", Boolean.FALSE);
        Class<?> cls;
        try {
            cls = Class.forName(name, true, loader);
        } catch (ClassNotFoundException e) {
            load.put("stage", "class");
            load.put("error", describe(e));
            return null;
        } catch (LinkageError e) {
            // NoClassDefFoundError (a dependency is missing), ExceptionInInitializerError (the static
            // initializer threw), UnsupportedClassVersionError (compiled for a newer Java).
            load.put("stage", "initialize");
            load.put("error", describe(e));
            return null;
        } catch (Throwable t) {
            load.put("stage", "initialize");
            load.put("error", describe(t));
            return null;
        }
        if (cls.getProtectionDomain() != null && cls.getProtectionDomain().getCodeSource() != null) {
            URL location = cls.getProtectionDomain().getCodeSource().getLocation();
            if (location != null) {
                load.put("location", location.getPath());
            }
        }
        if (!Driver.class.isAssignableFrom(cls)) {
            load.put("stage", "interface");
            load.put("error", name + " does not implement java.sql.Driver");
            return null;
        }
        if (!Modifier.isPublic(cls.getModifiers()) || Modifier.isAbstract(cls.getModifiers())) {
            load.put("stage", "constructor");
            load.put("error", name + " must be a public, non-abstract class");
            return null;
        }
        Driver driver;
        try {
            Constructor<?> ctor = cls.getConstructor();
            driver = (Driver) ctor.newInstance();
        } catch (NoSuchMethodException e) {
            load.put("stage", "constructor");
            load.put("error", name + " has no public no-argument constructor, which ServiceLoader needs");
            return null;
        } catch (InvocationTargetException e) {
            load.put("stage", "constructor");
            load.put("error", describe(e.getCause() != null ? e.getCause() : e));
            return null;
        } catch (Throwable t) {
            load.put("stage", "constructor");
            load.put("error", describe(t));
            return null;
        }
        load.put("ok", Boolean.TRUE);
        try {
            load.put("version", driver.getMajorVersion() + "." + driver.getMinorVersion());
        } catch (Throwable t) {
            // informative only
        }
        return driver;
    }

    private static void serviceLoaderCheck(String name, ClassLoader loader, Map<String, Object> load) {
        List<Object> providers = new ArrayList<Object>();
        List<Object> errors = new ArrayList<Object>();
        boolean listed = false;
        try {
            Iterator<Driver> it = ServiceLoader.load(Driver.class, loader).iterator();
            for (int i = 0; i < 200; i++) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    Driver d = it.next();
                    String cls = d.getClass().getName();
                    providers.add(cls);
                    if (cls.equals(name)) {
                        listed = true;
                    }
                } catch (ServiceConfigurationError e) {
                    errors.add(describe(e));
                }
            }
        } catch (Throwable t) {
            errors.add(describe(t));
        }
        load.put("serviceListed", Boolean.valueOf(listed));
        load.put("serviceProviders", providers);
        if (!errors.isEmpty()) {
            load.put("serviceErrors", errors);
        }
    }

    private static Map<String, Object> connect(final Driver driver, Map<String, Object> request) {
        final Map<String, Object> result = new LinkedHashMap<String, Object>();
        result.put("ok", Boolean.FALSE);
        final String url = (String) request.get("url");
        final Properties props = new Properties();
        if (request.get("user") instanceof String) {
            props.setProperty("user", (String) request.get("user"));
        }
        if (request.get("password") instanceof String) {
            props.setProperty("password", (String) request.get("password"));
        }
        long timeout = request.get("timeoutMs") instanceof Number
            ? ((Number) request.get("timeoutMs")).longValue() : 15000L;
        Thread worker = new Thread(new Runnable() {
            @Override
            public void run() {
                connectAndQuery(driver, url, props, result);
            }
        }, "jdbc-probe-connect");
        worker.setDaemon(true);
        worker.start();
        try {
            worker.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (result) {
            if (!result.containsKey("done")) {
                // The worker is still busy; freeze the result so that it cannot change any more.
                result.put("ok", Boolean.FALSE);
                result.put("stage", "timeout");
                result.put("error", "no answer within " + timeout + " ms");
                result.put("done", Boolean.TRUE);
            }
            Map<String, Object> copy = new LinkedHashMap<String, Object>(result);
            copy.remove("done");
            return copy;
        }
    }

    private static void connectAndQuery(
            Driver driver, String url, Properties props, Map<String, Object> result) {
        String stage = "connect";
        Connection conn = null;
        Statement st = null;
        ResultSet rs = null;
        try {
            conn = driver.connect(url, props);
            if (conn == null) {
                set(result, "stage", "connect");
                set(result, "error", "the driver returned null from connect(): it does not accept this URL");
                return;
            }
            try {
                DatabaseMetaData meta = conn.getMetaData();
                String product = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
                set(result, "product", product);
            } catch (Throwable t) {
                // informative only
            }
            stage = "query";
            st = conn.createStatement();
            rs = st.executeQuery("SELECT 1");
            if (!rs.next()) {
                set(result, "stage", "query");
                set(result, "error", "SELECT 1 returned no row");
                return;
            }
            set(result, "value", rs.getString(1));
            set(result, "ok", Boolean.TRUE);
        } catch (Throwable t) {
            set(result, "stage", stage);
            set(result, "error", describe(t));
            if (t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
                set(result, "sqlState", ((SQLException) t).getSQLState());
            }
        } finally {
            closeQuietly(rs);
            closeQuietly(st);
            closeQuietly(conn);
            set(result, "done", Boolean.TRUE);
        }
    }

    private static void set(Map<String, Object> map, String key, Object value) {
        synchronized (map) {
            if (!map.containsKey("done")) {
                map.put(key, value);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Throwable t) {
            // nothing to do
        }
    }

    /** `Class: message`, plus the first distinct cause, with secrets masked. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.getClass().getName());
        if (t.getMessage() != null) {
            sb.append(": ").append(t.getMessage());
        }
        Throwable cause = t.getCause();
        if (cause != null && cause != t) {
            sb.append(" (caused by ").append(cause.getClass().getName());
            if (cause.getMessage() != null) {
                sb.append(": ").append(cause.getMessage());
            }
            sb.append(")");
        }
        String text = mask(sb.toString());
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }

    static String mask(String text) {
        String out = text;
        if (secret != null && secret.length() >= 4) {
            out = out.replace(secret, "***");
        }
        return out.replaceAll("(?i)((?:password|passwd|pwd)\\s*=\\s*)[^;&\\s,)]*", "$1***");
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) > 0) {
            buf.write(chunk, 0, n);
        }
        return new String(buf.toByteArray(), Charset.forName("UTF-8"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value) {
        return value instanceof List ? (List<Object>) value : new ArrayList<Object>();
    }

    // ---- JSON ----------------------------------------------------------------------------------

    static String toJson(Object value) {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, value);
        return sb.toString();
    }

    private static void writeJson(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof Boolean || value instanceof Number) {
            sb.append(value.toString());
        } else if (value instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeString(sb, String.valueOf(e.getKey()));
                sb.append(':');
                writeJson(sb, e.getValue());
            }
            sb.append('}');
        } else if (value instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object item : (List<?>) value) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeJson(sb, item);
            }
            sb.append(']');
        } else {
            writeString(sb, value.toString());
        }
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", Integer.valueOf(c)));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    /** A small JSON reader: objects, arrays, strings, numbers, true, false, null. */
    static final class JsonReader {
        private final String s;
        private int i;

        JsonReader(String s) {
            this.s = s;
        }

        Object read() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw error("unexpected text after the JSON value");
            }
            return v;
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw error("unexpected end of input");
            }
            char c = s.charAt(i);
            if (c == '{') {
                return object();
            }
            if (c == '[') {
                return array();
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            return number();
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<String, Object>();
            i++;
            ws();
            if (peek() == '}') {
                i++;
                return map;
            }
            for (;;) {
                ws();
                if (peek() != '"') {
                    throw error("expected a string key");
                }
                String key = string();
                ws();
                expect(':');
                map.put(key, value());
                ws();
                if (peek() == ',') {
                    i++;
                    continue;
                }
                expect('}');
                return map;
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<Object>();
            i++;
            ws();
            if (peek() == ']') {
                i++;
                return list;
            }
            for (;;) {
                list.add(value());
                ws();
                if (peek() == ',') {
                    i++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        private String string() {
            i++;
            StringBuilder sb = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    break;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n':
                        sb.append('\n');
                        break;
                    case 't':
                        sb.append('\t');
                        break;
                    case 'r':
                        sb.append('\r');
                        break;
                    case 'b':
                        sb.append('\b');
                        break;
                    case 'f':
                        sb.append('\f');
                        break;
                    case 'u':
                        if (i + 4 > s.length()) {
                            throw error("bad \\u escape");
                        }
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default:
                        sb.append(e);
                }
            }
            throw error("unterminated string");
        }

        private Number number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw error("unexpected character '" + s.charAt(i) + "'");
            }
            String text = s.substring(start, i);
            if (text.indexOf('.') >= 0 || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
                return Double.valueOf(text);
            }
            return Long.valueOf(text);
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON input at offset " + i + ": " + what);
        }
    }
}
