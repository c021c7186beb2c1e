package webhooks

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotelplatform/hotel"
)

// Metrics are the webhook metrics; a nil *Metrics records nothing.
type Metrics struct {
	deliveries *prometheus.CounterVec
	duration   prometheus.Histogram
	pausedN    prometheus.Counter
	subs       *prometheus.GaugeVec
	pendingAt  *prometheus.GaugeVec
}

// NewMetrics registers the webhook metrics with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hotel_webhook_deliveries_total", Help: "Webhook delivery attempts by result (delivered, failed) and trigger (feed, redelivery, test).",
		}, []string{"result", "trigger"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "hotel_webhook_delivery_duration_seconds", Help: "Duration of webhook delivery attempts.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}),
		pausedN: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hotel_webhook_pauses_total", Help: "Webhook subscriptions paused after failing for the whole retry period.",
		}),
		subs: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hotel_webhook_subscriptions", Help: "Webhook subscriptions by status (active, paused).",
		}, []string{"status"}),
		pendingAt: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "hotel_webhook_pending_since_timestamp_seconds",
			Help: "Unix time of the oldest event an active webhook subscription has yet to be delivered (0: caught up); time() minus it is the subscription's lag.",
		}, []string{"webhook_id"}),
	}
	for _, c := range []prometheus.Collector{m.deliveries, m.duration, m.pausedN, m.subs, m.pendingAt} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) observe(d hotel.WebhookDelivery, took time.Duration) {
	if m == nil {
		return
	}
	result := "failed"
	if d.Delivered {
		result = "delivered"
	}
	m.deliveries.WithLabelValues(result, d.Trigger).Inc()
	m.duration.Observe(took.Seconds())
}

func (m *Metrics) paused() {
	if m != nil {
		m.pausedN.Inc()
	}
}

func (m *Metrics) subscriptions(ws []hotel.Webhook) {
	if m == nil {
		return
	}
	n := map[string]float64{hotel.WebhookActive: 0, hotel.WebhookPaused: 0}
	for _, w := range ws {
		n[w.Status]++
		if w.Status != hotel.WebhookActive {
			m.pendingAt.DeleteLabelValues(strconv.FormatInt(w.ID, 10))
		}
	}
	for s, v := range n {
		m.subs.WithLabelValues(s).Set(v)
	}
}

// pending records the time of the first of the events w has yet to be
// delivered (none: 0).
func (m *Metrics) pending(w hotel.Webhook, evs []hotel.Event) {
	if m == nil {
		return
	}
	v := 0.0
	if len(evs) > 0 {
		v = float64(evs[0].Time.UnixMilli()) / 1000
	}
	m.pendingAt.WithLabelValues(strconv.FormatInt(w.ID, 10)).Set(v)
}

func (m *Metrics) forget(id int64) {
	if m != nil {
		m.pendingAt.DeleteLabelValues(strconv.FormatInt(id, 10))
	}
}
