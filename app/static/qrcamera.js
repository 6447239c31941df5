// Sinergi QR camera: shows the back camera in a <video> and hands each decoded QR text to
// onCode (jsQR, served locally: Linux Chromium has no BarcodeDetector). Used by the door
// scanner and by the participant's self check-in. onCode returns false to stop the camera.
(function () {
  "use strict";
  window.sinergiQrCamera = function (video, onCode, onError) {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stopped = false;
    function tick() {
      if (stopped) { return; }
      if (video.readyState === video.HAVE_ENOUGH_DATA && video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (found && found.data && onCode(found.data) === false) {
          stopped = true;
          video.srcObject.getTracks().forEach(function (track) { track.stop(); });
          return;
        }
      }
      setTimeout(function () { requestAnimationFrame(tick); }, 80);
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      onError();
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) { video.srcObject = stream; return video.play(); })
      .then(tick)
      .catch(onError);
  };
})();
