// Document streaming is a browser/app feature; an Action never opens a stream.
module.exports = {
  StreamAPI: function StreamAPI() {
    return function streamUnavailable() {
      throw new Error('auth0-fauna: Fauna streaming is not bundled in Actions');
    };
  },
};
