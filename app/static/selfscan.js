// Self check-in from the participant's own page: the phone's camera reads the code on the
// room's screen and opens it (a phone camera app would do the same; this saves a step).
(function () {
  "use strict";
  var button = document.querySelector("[data-self-scan]");
  if (!button) { return; }
  var video = document.getElementById("self-scan-video");
  var message = document.getElementById("self-scan-message");

  function accept(text) {
    try {
      var url = new URL(text, window.location.href);
      return url.origin === window.location.origin && url.pathname.indexOf("/hadir/") === 0 ? url : null;
    } catch (_e) { return null; }
  }
  button.addEventListener("click", function () {
    button.disabled = true;
    video.hidden = false;
    window.sinergiQrCamera(video, function (text) {
      var url = accept(text);
      if (url) {
        window.location.assign(url.href);
        return false;
      }
      message.textContent = button.dataset.wrongCode;
      message.hidden = false;
    }, function () {
      message.textContent = button.dataset.cameraError;
      message.hidden = false;
      button.disabled = false;
    });
  });
})();
