"""`hyosan explore`: a scene played live in a window, with a free camera, a transport
(play, step, scrub), a HUD, debug overlays, live crowd tuning and capture.

The logic is pure and testable without a window: `camera` (fly / orbit / frame / pick
maths), `transport` (scene time, speed, markers), `bookmarks` (camera poses in a file
next to the scene), `tuning` (crowd parameters live, reset, save as preset), `session`
(ties them to a `Director`) and `bindings` (the one key table, from which both the key
handlers and the F1 help are made). `app` binds them to Panda3D: `hud`, `panel`,
`timebar`, `overlays` and `capture` are the thin drawing side.
"""
