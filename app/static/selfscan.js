// Self check-in from the participant's own page: the phone's camera reads the code on the
// room's screen and opens it (a phone camera app would do the same; this saves a step).
(function () {
  "use strict";
  var button = document.querySelector("[data-self-scan]");
  if (!button) { return; }
  var video = document.getElementById("self-scan-video");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var message = document.getElementById("self-scan-message");

  function accept(text) {
    try {
      var url = new URL(text, window.location.href);
      return url.origin === window.location.origin && url.pathname.indexOf("/hadir/") === 0 ? url : null;
    } catch (_e) { return null; }
  }
  function tick() {
    if (video.readyState === video.HAVE_ENOUGH_DATA && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      var url = found && accept(found.data);
      if (url) {
        video.srcObject.getTracks().forEach(function (track) { track.stop(); });
        window.location.assign(url.href);
        return;
      }
      if (found && found.data) { message.textContent = button.dataset.wrongCode; message.hidden = false; }
    }
    setTimeout(function () { requestAnimationFrame(tick); }, 100);
  }
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) { video.hidden = false; video.srcObject = stream; return video.play(); })
      .then(tick)
      .catch(function () {
        message.textContent = button.dataset.cameraError;
        message.hidden = false;
        button.disabled = false;
      });
  });
})();
