package telegram_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http/httptest"
	"strings"
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

// A publication with a picture is sent as a photo with the text as its
// caption (cut to Telegram's 1,024 characters); a picture Telegram cannot
// read is left out and the text sent alone.
func TestPictureSentAsPhoto(t *testing.T) {
	bot := &fake.Server{Token: "123:abc", Channel: "ettelbruck"}
	srv := httptest.NewServer(bot)
	defer srv.Close()
	c := telegram.New(telegram.Config{BaseURL: srv.URL, Token: "123:abc", ChatID: "@ettelbruck"})
	if !c.PostsImages() {
		t.Fatal("the connector says it posts no pictures")
	}
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 4)))
	pub := core.Publication{Title: "Parc de Warken", Body: strings.Repeat("Les travaux commencent. ", 80), URL: "https://participer.ettelbruck.lu/projects/2",
		Image: &core.PublicationImage{ContentType: "image/png", Data: buf.Bytes(), Alt: "Plan du parc"}}
	got, err := c.Publish(context.Background(), pub)
	if err != nil || got.RemoteID != "1" || bot.Photo(1) != buf.Len() {
		t.Fatalf("photo: %+v %v, photo of %d bytes", got, err, bot.Photo(1))
	}
	if caption := []rune(bot.Messages()[0]); len(caption) != 1024 || !strings.HasSuffix(string(caption), "…") {
		t.Fatalf("caption of %d characters", len(caption))
	}
	pub.Image.Data = []byte("not a picture")
	got, err = c.Publish(context.Background(), pub)
	if err != nil || got.RemoteID != "2" || bot.Photo(2) != 0 || len([]rune(bot.Messages()[1])) <= 1024 {
		t.Fatalf("unreadable picture: %+v %v", got, err)
	}
}
