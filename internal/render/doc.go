// Package render draws a laid-out graph as a picture: anti-aliased,
// alpha-accumulated edges under nodes coloured by degree (viridis, a
// perceptual colormap; hubs drawn larger and on top) or by connected
// component, fitted to the image with a margin. A 3D layout is drawn as an
// orthographic projection after a small fixed rotation, far nodes first and
// faded, so that it is not seen along an axis. Only the standard library's
// image packages are used.
package render
