package io.topictracker.lab;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A one-shot KRPC {@code ping} client (BEP5 "DHT Queries: ping"), run as its own process inside a lab host
 * ({@code ip netns exec NS java -cp <test classes> io.topictracker.lab.KrpcPing BIND HOST PORT TIMEOUT_MS}). Sends
 * one query from BIND (any port), waits at most TIMEOUT_MS for one datagram, and prints
 * {@code reply from ADDRESS:PORT HEX} (status 0), or why not on standard error (status 1; 2 for bad arguments).
 */
public final class KrpcPing {
    /** Transaction id "aa" and a 20-byte node id of printable bytes, so the query reads as text. */
    static final String TRANSACTION = "aa";
    static final String CLIENT_ID = "lab-ping-client-0001";
    static final byte[] QUERY = ("d1:ad2:id20:" + CLIENT_ID + "e1:q4:ping1:t2:" + TRANSACTION + "1:y1:qe")
            .getBytes(StandardCharsets.US_ASCII);

    private KrpcPing() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: KrpcPing BIND_ADDRESS HOST PORT TIMEOUT_MS");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[0]), 0))) {
            socket.setSoTimeout(Integer.parseInt(args[3]));
            socket.send(new DatagramPacket(QUERY, QUERY.length, target));
            byte[] buffer = new byte[1500];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                System.err.println("no reply from " + target + " within " + args[3] + " ms");
                System.exit(1);
            }
            System.out.println("reply from " + reply.getAddress().getHostAddress() + ":" + reply.getPort() + " "
                    + HexFormat.of().formatHex(buffer, 0, reply.getLength()));
        }
    }
}
