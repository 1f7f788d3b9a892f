package io.topictracker.lab;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A one-shot KRPC {@code get} client (BEP44 "get message"), run as its own process inside a lab host
 * ({@code ip netns exec NS java -cp <test classes> io.topictracker.lab.KrpcGet BIND HOST PORT TARGET_HEX
 * TIMEOUT_MS}): asks one node what it stores under a 20-byte target, with no lookup, so a test sees exactly what that
 * node holds. Sends one query from BIND (any port), waits at most TIMEOUT_MS for one datagram, and prints
 * {@code reply from ADDRESS:PORT HEX} (status 0), or why not on standard error (status 1; 2 for bad arguments).
 */
public final class KrpcGet {
    static final String TRANSACTION = "gg";
    static final String CLIENT_ID = "lab-get-client-00001";

    private KrpcGet() {}

    static byte[] query(byte[] target) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("d1:ad2:id20:" + CLIENT_ID + "6:target20:"));
        out.writeBytes(target);
        out.writeBytes(ascii("e1:q3:get1:t2:" + TRANSACTION + "1:y1:qe"));
        return out.toByteArray();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5 || !args[3].matches("[0-9a-fA-F]{40}")) {
            System.err.println("usage: KrpcGet BIND_ADDRESS HOST PORT TARGET_HEX40 TIMEOUT_MS");
            System.exit(2);
        }
        InetSocketAddress node = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        byte[] query = query(HexFormat.of().parseHex(args[3]));
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[0]), 0))) {
            socket.setSoTimeout(Integer.parseInt(args[4]));
            socket.send(new DatagramPacket(query, query.length, node));
            byte[] buffer = new byte[1500];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                System.err.println("no reply from " + node + " within " + args[4] + " ms");
                System.exit(1);
            }
            System.out.println("reply from " + reply.getAddress().getHostAddress() + ":" + reply.getPort() + " "
                    + HexFormat.of().formatHex(buffer, 0, reply.getLength()));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
