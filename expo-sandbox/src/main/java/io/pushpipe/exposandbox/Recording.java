package io.pushpipe.exposandbox;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the sandbox received, for inspection: the latest {@code retained} notifications, send requests,
 * receipt requests and tickets, so that a sandbox left running does not grow without bound; the 429s it
 * answered per second; and how many send requests were handled at once. Thread-safe.
 */
final class Recording {

    private final int retained;
    // Appends must stay O(1): the benchmark sends hundreds of thousands of notifications.
    private final Latest<ReceivedNotification> notifications;
    private final Latest<ReceivedRequest> requests;
    private final Latest<List<String>> receiptRequests;
    private final Map<String, ReceivedNotification> tickets;
    private final SortedMap<Long, Integer> rejectedPerSecond = new TreeMap<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    Recording(int retained) {
        this.retained = retained;
        this.notifications = new Latest<>(retained);
        this.requests = new Latest<>(retained);
        this.receiptRequests = new Latest<>(retained);
        // Like Expo, which keeps receipts for a day: a ticket no longer kept gets no receipt.
        this.tickets = Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ReceivedNotification> eldest) {
                return size() > retained;
            }
        });
    }

    /** A notification accepted with an ok ticket. */
    void accepted(ReceivedNotification notification) {
        notifications.add(notification);
        accepted.incrementAndGet();
        tickets.put(notification.ticketId(), notification);
    }

    /** A send request and its answer; a 429 counts in the second it arrived. */
    void answered(ReceivedRequest request, long arrivedAtMillis) {
        requests.add(request);
        if (request.status() == 429) {
            synchronized (rejectedPerSecond) {
                rejectedPerSecond.merge(Math.floorDiv(arrivedAtMillis, 1000), 1, Integer::sum);
                if (rejectedPerSecond.size() > retained) {
                    rejectedPerSecond.remove(rejectedPerSecond.firstKey());
                }
            }
        }
    }

    void receiptRequest(List<String> ids) {
        receiptRequests.add(List.copyOf(ids));
    }

    /** The notification an ok ticket was answered for, while it is kept. */
    Optional<ReceivedNotification> ticket(String id) {
        return Optional.ofNullable(tickets.get(id));
    }

    void requestStarted() {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    void requestFinished() {
        inFlight.decrementAndGet();
    }

    List<ReceivedNotification> notifications() {
        return notifications.copy();
    }

    int notificationCount() {
        return accepted.get();
    }

    List<ReceivedRequest> requests() {
        return requests.copy();
    }

    List<List<String>> receiptRequests() {
        return receiptRequests.copy();
    }

    /** Send requests answered 429, by the second they arrived in (only seconds with any), oldest first. */
    SortedMap<Instant, Integer> rejectedPerSecond() {
        SortedMap<Instant, Integer> copy = new TreeMap<>();
        synchronized (rejectedPerSecond) {
            rejectedPerSecond.forEach((second, count) -> copy.put(Instant.ofEpochSecond(second), count));
        }
        return Collections.unmodifiableSortedMap(copy);
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    void clear() {
        notifications.clear();
        accepted.set(0);
        requests.clear();
        receiptRequests.clear();
        tickets.clear();
        synchronized (rejectedPerSecond) {
            rejectedPerSecond.clear();
        }
        maxInFlight.set(0);
    }

    /** The latest {@code limit} items, in arrival order: appends stay O(1) and memory bounded. */
    private static final class Latest<T> {

        private final int limit;
        private final ArrayDeque<T> items = new ArrayDeque<>();

        Latest(int limit) {
            this.limit = limit;
        }

        synchronized void add(T item) {
            if (items.size() >= limit) {
                items.pollFirst();
            }
            items.addLast(item);
        }

        synchronized List<T> copy() {
            return List.copyOf(items);
        }

        synchronized void clear() {
            items.clear();
        }
    }
}
