// Check-in: scan the ticket's QR with the camera where the browser has a
// BarcodeDetector (progressive enhancement). The form works without it: the
// scanned text fills the code field and the form is submitted as if typed.
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var box = document.getElementById("scanner");
  var start = document.getElementById("scan-start");
  var video = document.getElementById("scan-video");
  var form = document.getElementById("checkin-form");
  var field = document.getElementById("code");
  if (!box || !start || !video || !form || !field) return;
  box.hidden = false;
  start.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            field.value = codes[0].rawValue;
            form.submit();
          } else {
            window.setTimeout(look, 250);
          }
        }).catch(function () { window.setTimeout(look, 500); });
      };
      look();
    }).catch(function () { box.hidden = true; });
  });
})();
