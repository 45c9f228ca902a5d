package messaging_test

import (
	"fmt"

	"github.com/protoack/protoack/messaging"
)

// The README's snippet: register a message before sending it, and
// acknowledge it when the receiver's ack arrives; the outcome function
// hears of its end exactly once.
func Example() {
	report := func(o messaging.Outcome) { fmt.Println(o.Kind, o.Result, o.Data) }
	tr, err := messaging.NewTracker(messaging.WithOutcome(report))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tr.Close()

	link := make(chan messaging.ID, 8) // stands in for the network and the receiver
	send := func(id messaging.ID, payload string) { link <- id }
	payload := "order o-17"
	resend := func(id messaging.ID, attempt int) error { send(id, payload); return nil }

	id, err := tr.Track(messaging.Message{Kind: "Order", Resend: resend, Data: payload}) // before sending
	if err != nil {
		fmt.Println(err)
		return
	}
	send(id, payload)
	// ... when the ack arrives:
	tr.Acknowledge(messaging.Success(<-link))
	fmt.Println("pending:", tr.Pending())
	// Output:
	// Order Success order o-17
	// pending: 0
}

// A fast path that keeps messages outside the Tracker: Reserve at send;
// a plain Success is settled in a batch; anything else hands the message
// over with TrackReserved, dated back to its send, and the Tracker's
// deadlines, re-sends and outcome take over from there.
func ExampleTracker_Reserve() {
	report := func(o messaging.Outcome) { fmt.Println(o.Kind, o.Result, o.Attempts) }
	tr, err := messaging.NewTracker(messaging.WithOutcome(report))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tr.Close()

	var done []messaging.Settled
	for i := 0; i < 3; i++ { // three sends on the fast path
		if err := tr.Reserve(); err != nil {
			fmt.Println(err)
			return
		}
		sent := tr.Elapsed()
		// ... the receiver succeeds:
		done = append(done, messaging.Settled{Kind: "Order", Latency: tr.Elapsed() - sent})
	}
	tr.Settle(done) // no outcome function call
	fmt.Println("pending:", tr.Pending())

	if err := tr.Reserve(); err != nil {
		fmt.Println(err)
		return
	}
	sent := tr.Elapsed()
	// ... the receiver fails, or no ack comes in time: hand it over.
	id := tr.NewID()
	if err := tr.TrackReserved(messaging.Message{ID: id, Kind: "Order"}, sent); err != nil {
		fmt.Println(err)
		return
	}
	tr.Acknowledge(messaging.Success(id)) // the ack of a re-send, say
	s, _ := tr.Summary().Kind("Order")
	fmt.Println("sent:", s.Counts.Sent, "succeeded:", s.Counts.Succeeded, "pending:", tr.Pending())
	// Output:
	// pending: 0
	// Order Success 1
	// sent: 4 succeeded: 4 pending: 0
}
