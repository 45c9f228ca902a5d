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
