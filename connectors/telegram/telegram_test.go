package telegram_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"quartier/connectors/telegram"
	"quartier/connectors/telegram/fake"
	"quartier/core"
)

func TestChannelPostsAndFloodControl(t *testing.T) {
	bot := &fake.Server{Token: "123:abc", Channel: "ettelbruck", Limit: 1}
	srv := httptest.NewServer(bot)
	defer srv.Close()
	c := telegram.New(telegram.Config{BaseURL: srv.URL, Token: "123:abc", ChatID: "@ettelbruck"})
	pub := core.Publication{Title: "Parc de Warken", Body: "Les travaux commencent.", URL: "https://participer.ettelbruck.lu/projects/2"}
	got, err := c.Publish(context.Background(), pub)
	if err != nil || got.RemoteID != "1" || got.URL != "https://t.me/ettelbruck/1" || bot.Messages()[0] != "Parc de Warken\n\nLes travaux commencent.\n\nhttps://participer.ettelbruck.lu/projects/2" {
		t.Fatalf("publish: %+v %v %q", got, err, bot.Messages())
	}
	_, err = c.Publish(context.Background(), pub)
	if re, ok := core.AsRemoteError(err); !ok || re.Status != 429 || re.RetryAfter <= 0 || re.Permanent {
		t.Fatalf("flood control: %#v", err)
	}
	wrong := telegram.New(telegram.Config{BaseURL: srv.URL, Token: "123:abc", ChatID: "@elsewhere"})
	_, err = wrong.Publish(context.Background(), pub)
	if re, ok := core.AsRemoteError(err); !ok || !re.Permanent || re.Message != "Bad Request: chat not found" {
		t.Fatalf("unknown chat: %#v", err)
	}
}
